/* waspada backup FILE | --dir DIR [--keep N]: online copy of the live database. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "store/store.h"

static const char usage_text[] =
    "usage: waspada backup FILE\n"
    "       waspada backup --dir DIR [--keep N]\n"
    "\n"
    "Copy the database to FILE with SQLite's online backup API. Safe while the server is\n"
    "running. FILE must not exist yet.\n"
    "\n"
    "  --dir DIR   write DIR/waspada-YYYYMMDDTHHMMSSZ.db (UTC; DIR is created, mode 0700)\n"
    "              through a temporary name, so a backup cut short never counts\n"
    "  --keep N    then delete the oldest backups in DIR named so, keeping the N newest\n"
    "              (1..10000; default: keep all). Other files in DIR are never touched.\n"
    "\n"
    "The key that seals personal fields is not in the backup: keep a copy of it apart.\n";

#define BACKUP_PREFIX "waspada-"
#define BACKUP_SUFFIX ".db"
#define BACKUP_STAMP_LEN 16 /* YYYYMMDDTHHMMSSZ */

/* Whether name is one of ours: waspada-YYYYMMDDTHHMMSSZ.db or waspada-YYYYMMDDTHHMMSSZ~N.db
 * (a second backup within the same second); *seq is 0 or N. */
static bool backup_name(const char *name, long *seq)
{
    size_t pl = strlen(BACKUP_PREFIX), n = strlen(name);
    if (n < pl + BACKUP_STAMP_LEN + strlen(BACKUP_SUFFIX) || strncmp(name, BACKUP_PREFIX, pl))
        return false;
    const char *st = name + pl;
    for (int i = 0; i < BACKUP_STAMP_LEN; i++) {
        bool digit = st[i] >= '0' && st[i] <= '9';
        if (i == 8 ? st[i] != 'T' : i == 15 ? st[i] != 'Z' : !digit)
            return false;
    }
    const char *rest = st + BACKUP_STAMP_LEN;
    *seq = 0;
    if (*rest == '~') {
        char *end;
        *seq = strtol(rest + 1, &end, 10);
        if (end == rest + 1 || *seq < 1)
            return false;
        rest = end;
    }
    return str_eq(rest, BACKUP_SUFFIX);
}

struct backup_file {
    char *name;
    long seq;
};

/* Oldest first: by the time stamp, then the sequence within a second. */
static int backup_cmp(const void *a, const void *b)
{
    const struct backup_file *x = a, *y = b;
    int c = strncmp(x->name, y->name, strlen(BACKUP_PREFIX) + BACKUP_STAMP_LEN);
    return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

/* Delete the oldest of our backups in dir beyond keep; prints each one removed. */
static int backup_prune(const char *dir, long keep, struct error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return error_set(err, WSP_EIO, "cannot read %s: %s", dir, strerror(errno));
    struct backup_file *v = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        long seq;
        if (!backup_name(e->d_name, &seq))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            v = xrealloc(v, cap * sizeof(*v));
        }
        v[n].name = xstrdup(e->d_name);
        v[n++].seq = seq;
    }
    closedir(d);
    qsort(v, n, sizeof(*v), backup_cmp);
    int rc = 0;
    for (size_t i = 0; i + (size_t)keep < n; i++) {
        char *path = xasprintf("%s/%s", dir, v[i].name);
        if (unlink(path) != 0 && rc == 0)
            rc = error_set(err, WSP_EIO, "cannot delete old backup %s: %s", path, strerror(errno));
        else if (rc == 0)
            printf("deleted old backup %s\n", path);
        free(path);
    }
    for (size_t i = 0; i < n; i++)
        free(v[i].name);
    free(v);
    return rc;
}

/* A new name in dir for a backup made now: the second's name, or ~2, ~3... after it. */
static char *backup_new_path(const char *dir)
{
    char iso[32];
    time_format_iso(time_now(), iso, sizeof(iso)); /* 2026-12-06T18:30:05Z */
    char stamp[BACKUP_STAMP_LEN + 1];
    size_t k = 0;
    for (const char *p = iso; *p && k < BACKUP_STAMP_LEN; p++)
        if (*p != '-' && *p != ':')
            stamp[k++] = *p;
    stamp[k] = '\0';
    for (long seq = 1;; seq++) {
        char *path = seq == 1
                         ? xasprintf("%s/" BACKUP_PREFIX "%s" BACKUP_SUFFIX, dir, stamp)
                         : xasprintf("%s/" BACKUP_PREFIX "%s~%ld" BACKUP_SUFFIX, dir, stamp, seq);
        struct stat sb;
        if (stat(path, &sb) != 0)
            return path;
        free(path);
    }
}

int cmd_backup(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {{"dir", required_argument, NULL, 'd'},
                                         {"keep", required_argument, NULL, 'k'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *dir = NULL;
    long keep = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            fputs(usage_text, stdout);
            return CLI_OK;
        case 'd':
            dir = optarg;
            break;
        case 'k': {
            char *end;
            errno = 0;
            keep = strtol(optarg, &end, 10);
            if (errno || *end || keep < 1 || keep > 10000)
                return cli_usage_error("backup", "--keep must be a whole number 1..10000, not '%s'",
                                       optarg);
            break;
        }
        default:
            return cli_usage_error("backup", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (dir ? optind != argc : optind != argc - 1)
        return cli_usage_error("backup", dir ? "give either --dir DIR or FILE, not both"
                                             : "expected exactly one FILE (or --dir DIR)");
    if (keep && !dir)
        return cli_usage_error("backup", "--keep needs --dir");

    struct error err = {0};
    char *dest = NULL;
    if (dir) {
        if (mkdir(dir, 0700) != 0 && errno != EEXIST)
            return cli_error(WSP_EIO, "cannot create %s: %s", dir, strerror(errno));
        dest = backup_new_path(dir);
    } else {
        dest = xstrdup(argv[optind]);
    }
    struct store *s = NULL;
    int rc = store_open(&s, ctx->cfg.db, &err);
    bool sealed = false;
    char key_id[17];
    if (rc == 0)
        rc = store_seal_state(s, &sealed, key_id, &err);
    if (rc == 0) {
        int64_t t0 = time_mono_ms();
        struct cli_progress progress;
        cli_progress_start(&progress, s, "backup");
        /* store_backup writes a temporary name and links it into place when complete: a
         * backup cut short is never named like one */
        rc = store_backup(s, dest, &err);
        cli_progress_end(&progress, s);
        if (rc == 0)
            printf("backed up %s to %s in %lld ms\n", ctx->cfg.db, dest,
                   (long long)(time_mono_ms() - t0));
    }
    if (s)
        store_close(s);
    if (rc == 0 && sealed) {
        char key[4096];
        cli_key_path(ctx, key, sizeof(key));
        printf("the backup holds personal fields sealed with key %s; the key is NOT in the "
               "backup: it is in %s; keep a copy of that file apart from the backups, or the "
               "sealed fields of this backup cannot be opened\n",
               key_id, *key ? key : "the file named by key_file");
    }
    if (rc == 0 && keep)
        rc = backup_prune(dir, keep, &err);
    free(dest);
    return rc ? cli_error(rc, "%s", err.msg) : CLI_OK;
}
