/* Helpers shared by the subcommands: errors, exit codes, passwords, data and web dirs. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

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
