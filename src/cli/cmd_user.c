/* waspada user add|passwd|list|disable|enable|phone: manage accounts from the command line. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "auth/auth.h"
#include "cli/cli.h"
#include "intake/intake.h"
#include "store/store.h"

static const char usage_text[] =
    "usage: waspada user add --username U --role ROLE [--region CODE] [--name NAME]\n"
    "                        --password-stdin\n"
    "       waspada user passwd --username U --password-stdin\n"
    "       waspada user list [--json]\n"
    "       waspada user disable --username U\n"
    "       waspada user enable --username U\n"
    "       waspada user phone --username U --phone NUMBER   (\"\" clears it)\n"
    "\n"
    "Roles: admin and pusat (national, no region), provinsi (province code, e.g. 32),\n"
    "kabkota (regency/city code, e.g. 32.73), pelapor (FKDM reporter: province or\n"
    "regency/city code). The region is the user's scope: they see and change only data\n"
    "inside it. Passwords are read from standard input (first line), never from the\n"
    "command line, and stored as argon2id hashes. Disabling a user ends their sessions.\n"
    "A phone number (08..., +62..., 62...) lets field messages from it become the user's\n"
    "reports (POST /api/v1/intake/{channel}); it is stored sealed and as a keyed hash.\n";

static const struct store_actor cli_actor = {0, "cli", NULL};

struct user_opts {
    const char *username, *role, *region, *name, *phone;
    bool password_stdin, json;
};

static int parse_opts(int argc, char **argv, struct user_opts *o)
{
    static const struct option opts[] = {
        {"username", required_argument, NULL, 'u'},
        {"role", required_argument, NULL, 'r'},
        {"region", required_argument, NULL, 'g'},
        {"name", required_argument, NULL, 'n'},
        {"password-stdin", no_argument, NULL, 'p'},
        {"json", no_argument, NULL, 'j'},
        {"phone", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'u':
            o->username = optarg;
            break;
        case 'r':
            o->role = optarg;
            break;
        case 'g':
            o->region = optarg;
            break;
        case 'n':
            o->name = optarg;
            break;
        case 'f':
            o->phone = optarg;
            break;
        case 'p':
            o->password_stdin = true;
            break;
        case 'j':
            o->json = true;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return 1;
        default:
            return cli_usage_error("user", "unknown option or missing value in '%s'",
                                   argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("user", "unexpected argument '%s'", argv[optind]);
    return 0;
}

static int valid_username(const char *u, struct error *err)
{
    size_t n = strlen(u);
    if (n < 3 || n > 32)
        return error_set(err, WSP_EINVAL, "username '%s' must have 3 to 32 characters", u);
    for (const char *p = u; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
              *p == '-'))
            return error_set(err, WSP_EINVAL,
                             "username '%s' may use only a-z, 0-9, '.', '_' and '-'", u);
    return 0;
}

static int read_new_password(char hash[AUTH_HASH_MAX], struct error *err)
{
    char *pw = NULL;
    int rc = cli_read_password_stdin(&pw, err);
    if (!rc)
        rc = auth_password_policy(pw, err);
    if (!rc)
        rc = auth_password_hash(pw, hash, AUTH_HASH_MAX, err);
    if (pw) {
        sodium_memzero(pw, strlen(pw));
        free(pw);
    }
    return rc;
}

static int user_add(struct store *s, const struct user_opts *o, struct error *err)
{
    const char *region = o->region ? o->region : "";
    enum auth_role role = auth_role_parse(o->role);
    int rc;
    if ((rc = valid_username(o->username, err)))
        return rc;
    if (role == AUTH_ROLE_NONE)
        return error_set(err, WSP_EINVAL,
                         "unknown role '%s' (admin, pusat, provinsi, kabkota, pelapor)", o->role);
    if ((rc = auth_role_scope_valid(role, region, err)))
        return rc;
    if (*region && store_region_exists(s, region, NULL) != 0)
        return error_set(err, WSP_EINVAL, "unknown region '%s'", region);

    struct store_user u = {0};
    str_copy(u.username, o->username, sizeof(u.username));
    str_copy(u.role, o->role, sizeof(u.role));
    str_copy(u.region, region, sizeof(u.region));
    str_copy(u.full_name, o->name ? o->name : "", sizeof(u.full_name));
    char hash[AUTH_HASH_MAX];
    int64_t id = 0;
    if ((rc = read_new_password(hash, err)) ||
        (rc = store_user_add(s, &u, hash, &cli_actor, &id, err)))
        return rc;
    printf("added user %s (id %lld, %s%s%s)\n", u.username, (long long)id, u.role,
           *region ? ", region " : "", region);
    return 0;
}

static int user_list(struct store *s, bool json, struct error *err)
{
    struct arena a;
    struct store_user *users = NULL;
    size_t n = 0;
    arena_init(&a, 0);
    int rc = store_user_list(s, &a, &users, &n, err);
    if (!rc && json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(
                arr, json_pack("{s:I, s:s, s:s, s:s?, s:s, s:b}", "id", (json_int_t)users[i].id,
                               "username", users[i].username, "role", users[i].role, "region",
                               *users[i].region ? users[i].region : NULL, "full_name",
                               users[i].full_name, "disabled", users[i].disabled));
        char *out = json_dumps(arr, JSON_INDENT(2));
        puts(out);
        free(out);
        json_decref(arr);
    } else if (!rc) {
        printf("%-5s %-20s %-9s %-8s %-8s %s\n", "ID", "USERNAME", "ROLE", "REGION", "STATUS",
               "NAME");
        for (size_t i = 0; i < n; i++)
            printf("%-5lld %-20s %-9s %-8s %-8s %s\n", (long long)users[i].id, users[i].username,
                   users[i].role, *users[i].region ? users[i].region : "-",
                   users[i].disabled ? "disabled" : "active", users[i].full_name);
    }
    arena_release(&a);
    return rc;
}

/* Set or clear (number "") a user's phone: normalised, keyed-hashed with the database's phone
 * key for lookup, sealed for display (as PATCH /users/{id} does). */
static int set_phone(struct store *s, const struct store_user *u, const char *number,
                     struct error *err)
{
    if (!*number) {
        int rc = store_user_set_phone(s, u->id, NULL, NULL, &cli_actor, err);
        if (!rc)
            printf("phone of %s cleared\n", u->username);
        return rc;
    }
    char e164[INTAKE_PHONE_MAX], hash[INTAKE_HASH_HEX];
    unsigned char key[INTAKE_KEY_BYTES];
    int rc = intake_phone_normalise(number, e164, err);
    if (!rc)
        rc = store_phone_key(s, key, err);
    if (!rc) {
        intake_phone_hash(key, e164, hash);
        rc = store_user_set_phone(s, u->id, e164, hash, &cli_actor, err);
    }
    sodium_memzero(key, sizeof(key));
    if (!rc)
        printf("phone of %s set to %s\n", u->username, e164);
    return rc;
}

int cmd_user(struct cli_ctx *ctx, int argc, char **argv)
{
    if (argc < 2 || argv[1][0] == '-') {
        if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
            fputs(usage_text, stdout);
            return CLI_OK;
        }
        return cli_usage_error("user", "expected add, passwd, list, disable, enable or phone");
    }
    const char *sub = argv[1];
    struct user_opts o = {0};
    int prc = parse_opts(argc - 1, argv + 1, &o);
    if (prc)
        return prc == 1 ? CLI_OK : prc;

    bool list = strcmp(sub, "list") == 0; /* the one subcommand without --username */
    bool phone = strcmp(sub, "phone") == 0;
    if (strcmp(sub, "add") != 0 && strcmp(sub, "passwd") != 0 && !list && !phone &&
        strcmp(sub, "disable") != 0 && strcmp(sub, "enable") != 0)
        return cli_usage_error("user", "unknown subcommand '%s'", sub);
    if (phone && !o.phone)
        return cli_usage_error("user", "phone needs --phone NUMBER (\"\" clears it)");
    if (!list && !o.username)
        return cli_usage_error("user", "%s needs --username", sub);
    if (strcmp(sub, "add") == 0 && !o.role)
        return cli_usage_error("user", "add needs --role");
    if ((strcmp(sub, "add") == 0 || strcmp(sub, "passwd") == 0) && !o.password_stdin)
        return cli_usage_error("user",
                               "%s needs --password-stdin (the password is read from "
                               "standard input, never from the command line)",
                               sub);

    struct error err = {0};
    struct store *s = NULL;
    int rc = auth_init(&err);
    if (!rc)
        rc = cli_store_open(ctx, CLI_KEY_USE, false, &s, &err);
    if (!rc) {
        /* `list` tested first: the other branches rely on the --username check above. */
        if (list) {
            rc = user_list(s, o.json, &err);
        } else if (strcmp(sub, "add") == 0) {
            rc = user_add(s, &o, &err);
        } else {
            struct store_user u;
            rc = store_user_get_by_name(s, o.username, &u, &err);
            if (rc == WSP_ENOTFOUND)
                error_set(&err, rc, "no user '%s'", o.username);
            if (!rc && phone) {
                rc = set_phone(s, &u, o.phone, &err);
            } else if (!rc && strcmp(sub, "passwd") == 0) {
                char hash[AUTH_HASH_MAX];
                rc = read_new_password(hash, &err);
                if (!rc)
                    rc = store_user_set_password(s, u.id, hash, &cli_actor, &err);
                if (!rc)
                    printf("password of %s changed\n", u.username);
            } else if (!rc) {
                bool disable = strcmp(sub, "disable") == 0;
                rc = store_user_set_disabled(s, u.id, disable, &cli_actor, &err);
                if (!rc)
                    printf("user %s %s\n", u.username, disable ? "disabled" : "enabled");
            }
        }
    }
    if (s)
        store_close(s);
    return rc ? cli_error(rc, "%s", err.msg) : CLI_OK;
}
