/*
 * cli: the `waspada` command line. main.c parses global options and dispatches to one
 * cmd_<name>() per subcommand (one file each). Commands print results on stdout, errors on
 * stderr as "waspada: <message>", and return an exit code from enum cli_exit.
 *
 * Configuration is table-driven (config.c): every setting has a name, a type, bounds, a default
 * and a description; precedence is defaults < config file < environment (WASPADA_<NAME>) <
 * command-line flags. The config is filled once at start-up and read-only afterwards.
 */
#ifndef WSP_CLI_H
#define WSP_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "base/base.h"

/* Exit codes, documented in docs/waspada.1. cli_exit_for() is the one mapping from WSP_E*. */
enum cli_exit {
    CLI_OK = 0,
    CLI_FAIL = 1,     /* runtime failure: I/O, database, internal */
    CLI_USAGE = 2,    /* misuse: unknown command or option, missing argument */
    CLI_INVALID = 3,  /* the input was understood but is not valid (bad role, unknown region) */
    CLI_NOTFOUND = 4, /* the named object does not exist */
    CLI_EXISTS = 5,   /* conflicts with existing data (duplicate username) */
    CLI_DENIED = 6    /* not allowed */
};

int cli_exit_for(int wsp_status);

struct cli_config {
    char *config_file; /* the file that was read, or NULL */
    char *db;
    char *key_file;
    char *data_dir;
    char *web_dir;
    char *listen;
    char *log_level;
    char *node_name;
    char *files_dir;
    char *metrics_token;
    long threads;
    long body_max;
    long body_budget;
    long max_conns_per_address;
    long session_ttl;
    long login_max_failures;
    long login_window;
    bool cookie_secure;
    bool access_log;
    long write_limit_user;
    long write_limit_address;
    long report_limit_user;
    long report_limit_address;
    long escalate_province_after;
    long escalate_national_after;
    double lead_min_confidence;
    long fetch_concurrency;
    long fetch_per_host;
    long fetch_host_delay_ms;
    long fetch_timeout;
    long fetch_connect_timeout;
};

/* Fill with defaults, then the config file (explicit path, or $WASPADA_CONFIG, or ./waspada.conf
 * when present), then the environment. Flags are applied later with config_set(). */
int config_load(struct cli_config *cfg, const char *explicit_file, struct error *err);
/* Set one setting by name from a string, with type and bounds checks ("threads", "8"). */
int config_set(struct cli_config *cfg, const char *name, const char *value, struct error *err);
void config_release(struct cli_config *cfg);
/* Print every setting with its value and origin, for `waspada config`. */
void config_dump(const struct cli_config *cfg);

/* Shared by commands. */
struct cli_ctx {
    struct cli_config cfg;
    const char *argv0;
    /* The key file's keys once read (cli_store_open); freed by main. */
    struct seal_keyring *keyring;
};

/* "waspada: <msg>" on stderr; returns the exit code for status. */
int cli_error(int status, const char *fmt, ...) WSP_PRINTF(2, 3);

/* A progress line on a terminal for a long store operation (progress.c): "import: writing
 * 450000 of 1000000 (45%)". Nothing when standard error is not a terminal. */
struct store;
struct cli_progress {
    struct progress_line line;
    const char *what, *phase;
};
void cli_progress_start(struct cli_progress *p, struct store *s, const char *what);
/* Removes the hook and erases the line (the command then prints its summary). */
void cli_progress_end(struct cli_progress *p, struct store *s);
/* Print "usage error" and a hint to stderr; returns CLI_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) WSP_PRINTF(2, 3);
/* Apply data_dir from the config (data_set_dir) before loading reference data. */
void cli_apply_data_dir(const struct cli_ctx *ctx);
/* Read one line (the password) from stdin, without the newline. Caller frees. */
int cli_read_password_stdin(char **out, struct error *err);
/* Locate the web files: config web_dir, installed share dir, or the source tree. NULL = none. */
const char *cli_find_web_dir(const struct cli_ctx *ctx);

/* The key file sealing personal fields (see docs/deployment.md, 'The key'): key_file, or
 * "<db>.key" beside a SQLite database; "" for PostgreSQL without key_file. */
void cli_key_path(const struct cli_ctx *ctx, char *out, size_t outsz);
enum cli_key_mode {
    CLI_KEY_USE,    /* read the key file when there is one */
    CLI_KEY_CREATE, /* ... and create it when there is none and the database is not sealed
                     * (init; on PostgreSQL only where key_file is set) */
    CLI_KEY_SERVE,  /* as CLI_KEY_CREATE, and PostgreSQL without key_file is refused (the
                     * servers of one database share one key file) */
};
/* Open the database (store_open) with its key: the key file read (or created), the key ring
 * attached to the store and made the default of every store opened later (store_seal_default),
 * then store_seal_check (which seals the values of a database given its first key). A new key
 * file or a first sealing is told on stdout (announce) or in the log. */
struct store;
int cli_store_open(struct cli_ctx *ctx, enum cli_key_mode mode, bool announce, struct store **out,
                   struct error *err);

int cmd_init(struct cli_ctx *ctx, int argc, char **argv);
int cmd_serve(struct cli_ctx *ctx, int argc, char **argv);
int cmd_user(struct cli_ctx *ctx, int argc, char **argv);
int cmd_region(struct cli_ctx *ctx, int argc, char **argv);
int cmd_backup(struct cli_ctx *ctx, int argc, char **argv);
int cmd_status(struct cli_ctx *ctx, int argc, char **argv);
int cmd_db(struct cli_ctx *ctx, int argc, char **argv);
int cmd_config(struct cli_ctx *ctx, int argc, char **argv);
int cmd_extract(struct cli_ctx *ctx, int argc, char **argv);
int cmd_eval(struct cli_ctx *ctx, int argc, char **argv);
int cmd_ingest(struct cli_ctx *ctx, int argc, char **argv);
int cmd_feed(struct cli_ctx *ctx, int argc, char **argv);
int cmd_warn(struct cli_ctx *ctx, int argc, char **argv);
/* waspada warn simulate (cmd_warn_simulate.c), dispatched by cmd_warn. */
int cmd_warn_simulate(int argc, char **argv);
struct warn_params;
/* The warning parameters: data/warn/params.ini, then file (NULL = none) on top. */
int cli_warn_params(struct warn_params *p, const char *file, struct error *err);
int cmd_import(struct cli_ctx *ctx, int argc, char **argv);
int cmd_export(struct cli_ctx *ctx, int argc, char **argv);
int cmd_key(struct cli_ctx *ctx, int argc, char **argv);
int cmd_intake(struct cli_ctx *ctx, int argc, char **argv);

#endif
