/* Helpers shared by the subcommands: errors, exit codes, passwords, data and web dirs. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "seal/seal.h"
#include "store/store.h"

int cli_exit_for(int wsp_status)
{
    switch (wsp_status) {
    case WSP_OK:
        return CLI_OK;
    case WSP_EINVAL:
    case WSP_ETOOBIG:
        return CLI_INVALID;
    case WSP_ENOTFOUND:
        return CLI_NOTFOUND;
    case WSP_EEXIST:
        return CLI_EXISTS;
    case WSP_EPERM:
    case WSP_EAUTH:
        return CLI_DENIED;
    default:
        return CLI_FAIL;
    }
}

int cli_error(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("waspada: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return cli_exit_for(status);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "waspada %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\ntry 'waspada %s --help'\n", cmd);
    va_end(ap);
    return CLI_USAGE;
}

void cli_apply_data_dir(const struct cli_ctx *ctx)
{
    data_set_dir(ctx->cfg.data_dir && *ctx->cfg.data_dir ? ctx->cfg.data_dir : NULL);
}

int cli_read_password_stdin(char **out, struct error *err)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, stdin);
    if (n < 0) {
        free(line);
        return error_set(err, WSP_EINVAL, "no password on standard input");
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    *out = line;
    return 0;
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *cli_find_web_dir(const struct cli_ctx *ctx)
{
    static char found[PATH_MAX + 64], real[PATH_MAX]; /* called once at start-up */
    if (ctx->cfg.web_dir && *ctx->cfg.web_dir)
        return ctx->cfg.web_dir;
    /* Installed next to the binary: PREFIX/bin/waspada -> PREFIX/share/waspada/web. */
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            snprintf(found, sizeof(found), "%s/../share/waspada/web", exe);
            if (is_dir(found))
                return realpath(found, real) ? real : NULL;
            /* Build tree: build/<variant>/waspada -> ../../web */
            snprintf(found, sizeof(found), "%s/../../web", exe);
            if (is_dir(found))
                return realpath(found, real) ? real : NULL;
        }
    }
    snprintf(found, sizeof(found), "%s/web", WSP_SHAREDIR);
    if (is_dir(found))
        return found;
    return NULL;
}

/* ---- the key file ------------------------------------------------------------------------ */

void cli_key_path(const struct cli_ctx *ctx, char *out, size_t outsz)
{
    if (ctx->cfg.key_file && *ctx->cfg.key_file)
        str_copy(out, ctx->cfg.key_file, outsz);
    else if (!store_target_is_postgres(ctx->cfg.db))
        snprintf(out, outsz, "%s.key", ctx->cfg.db);
    else
        str_copy(out, "", outsz);
}

/* A line for the operator: on stdout for a command, in the log for the server. */
static void say(bool announce, const char *msg)
{
    if (announce) {
        printf("%s\n", msg);
        fflush(stdout);
    } else {
        LOG_I("key", "%s", msg);
    }
}

int cli_store_open(struct cli_ctx *ctx, enum cli_key_mode mode, bool announce, struct store **out,
                   struct error *err)
{
    static const struct store_actor actor = {0, "cli", NULL};
    char path[4096];
    cli_key_path(ctx, path, sizeof(path));
    bool pg = store_target_is_postgres(ctx->cfg.db);
    *out = NULL;
    if (mode == CLI_KEY_SERVE && pg && !*path)
        return error_set(err, WSP_EINVAL,
                         "a PostgreSQL database needs a key file: set key_file (or --key-file "
                         "PATH), the same file on every server of the database; 'waspada key "
                         "init' creates it (see docs/deployment.md, 'The key')");
    struct store *s = NULL;
    int rc = store_open(&s, ctx->cfg.db, err);
    if (rc)
        return rc;
    if (!ctx->keyring && *path) {
        rc = seal_keyring_read(&ctx->keyring, path, err);
        if (rc == WSP_ENOTFOUND)
            rc = 0;
    }
    bool sealed = false;
    char key_id[17];
    if (!rc)
        rc = store_seal_state(s, &sealed, key_id, err);
    if (!rc && !ctx->keyring && !sealed && mode != CLI_KEY_USE) {
        if (!*path) {
            say(announce, "no key_file for this PostgreSQL database: personal fields are not "
                          "sealed until one is set (see docs/deployment.md, 'The key')");
        } else {
            rc = seal_keyring_generate(&ctx->keyring, err);
            if (!rc)
                rc = seal_keyring_write(ctx->keyring, path, false, err);
            if (!rc) {
                char *m = xasprintf("kunci enkripsi dibuat: %s; simpan salinannya di tempat lain; "
                                    "tanpa kunci ini nama korban tidak dapat dibuka\n"
                                    "encryption key created: %s; keep a copy of it elsewhere: "
                                    "without this key victims' names cannot be opened",
                                    path, path);
                say(announce, m);
                free(m);
            } else {
                seal_keyring_free(ctx->keyring);
                ctx->keyring = NULL;
            }
        }
    }
    struct store_seal_report rep;
    if (!rc) {
        store_set_keyring(s, ctx->keyring);
        store_seal_default(ctx->keyring);
        rc = store_seal_check(s, *path ? path : NULL, &actor, &rep, err);
    }
    if (!rc && rep.initialised && rep.sealed_values > 0) {
        char *m = xasprintf("sealed %lld personal fields written before with key %s",
                            (long long)rep.sealed_values, rep.key_id);
        say(announce, m);
        free(m);
    }
    if (rc) {
        store_close(s);
        return rc;
    }
    *out = s;
    return 0;
}

/* `waspada config`: show the effective configuration. */
int cmd_config(struct cli_ctx *ctx, int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: waspada config\n\n"
               "Print every setting with its effective value and where it came from\n"
               "(default, file, env or flag). Precedence: defaults < config file <\n"
               "environment (WASPADA_<NAME>) < command-line flags.\n");
        return CLI_OK;
    }
    if (argc > 1)
        return cli_usage_error("config", "unexpected argument '%s'", argv[1]);
    config_dump(&ctx->cfg);
    return CLI_OK;
}
