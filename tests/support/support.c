/* Test support: temp dirs, child processes and an HTTP client (see support.h). */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/base.h"
#include "support.h"

/* ---- files ------------------------------------------------------------------------------ */

char *support_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char *tmpl = xasprintf("%s/waspada-test-XXXXXX", base && base[0] ? base : "/tmp");
    if (!mkdtemp(tmpl)) {
        free(tmpl);
        return NULL;
    }
    return tmpl;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    WSP_UNUSED(st);
    WSP_UNUSED(flag);
    WSP_UNUSED(ftw);
    remove(path);
    return 0;
}

void support_rmtree(const char *path)
{
    if (path && path[0])
        nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

char *support_path(const char *dir, const char *name)
{
    return xasprintf("%s/%s", dir, name);
}

char *support_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct buf b;
    buf_init(&b, 0);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    return buf_detach(&b, NULL);
}

/* ---- child processes -------------------------------------------------------------------- */

const char *support_bin(void)
{
    const char *bin = getenv("WASPADA_BIN");
    return bin && bin[0] ? bin : "build/release/waspada";
}

static char **make_argv(const char *const pre[], const char *const args[])
{
    size_t n = 0, m = 0;
    while (pre && pre[n])
        n++;
    while (args && args[m])
        m++;
    char **argv = xcalloc(n + m + 1, sizeof(*argv));
    for (size_t i = 0; i < n; i++)
        argv[i] = (char *)pre[i];
    for (size_t i = 0; i < m; i++)
        argv[n + i] = (char *)args[i];
    return argv;
}

static int exit_status(int wstatus)
{
    if (WIFEXITED(wstatus))
        return WEXITSTATUS(wstatus);
    if (WIFSIGNALED(wstatus))
        return 128 + WTERMSIG(wstatus);
    return -1;
}

/* A PostgreSQL database has no default key file (`waspada --key-file`): a command or server
 * on one gets $WASPADA_KEY_FILE when the test set none (testdb_new sets one), a file in a
 * directory of this test program's own, so its PostgreSQL databases share one key as the
 * servers of one database do. NULL otherwise. Decided in the parent, set in the child only,
 * so SQLite databases keep their default <db>.key. */
static char *key_dir;

static void key_dir_remove(void)
{
    support_rmtree(key_dir);
    free(key_dir);
    key_dir = NULL;
}

static char *pg_key_file(const char *db)
{
    if (!db || getenv("WASPADA_KEY_FILE") ||
        !(str_starts_with(db, "postgresql://") || str_starts_with(db, "postgres://")))
        return NULL;
    if (!key_dir) {
        key_dir = support_tmpdir();
        if (!key_dir)
            return NULL;
        atexit(key_dir_remove);
    }
    return support_path(key_dir, "waspada.key");
}

int support_run(struct support_run *r, const char *stdin_text, const char *const args[])
{
    memset(r, 0, sizeof(*r));
    r->status = -1;
    int in[2], out[2], err[2];
    if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC))
        return -1;
    const char *pre[] = {support_bin(), NULL};
    char **argv = make_argv(pre, args);
    const char *db = NULL;
    for (size_t i = 0; args[i] && args[i + 1]; i++)
        if (str_eq(args[i], "--db"))
            db = args[i + 1];
    char *key = pg_key_file(db);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        if (key)
            setenv("WASPADA_KEY_FILE", key, 1);
        execv(argv[0], argv);
        _exit(127);
    }
    free(argv);
    free(key);
    close(in[0]);
    close(out[1]);
    close(err[1]);
    if (pid < 0) {
        close(in[1]);
        close(out[0]);
        close(err[0]);
        return -1;
    }
    struct buf bo, be;
    buf_init(&bo, 0);
    buf_init(&be, 0);
    size_t in_len = stdin_text ? strlen(stdin_text) : 0, in_off = 0;
    int in_fd = in[1];
    if (in_len == 0) {
        close(in_fd);
        in_fd = -1;
    }
    signal(SIGPIPE, SIG_IGN);
    int open_fds = 2;
    while (open_fds > 0 || in_fd >= 0) {
        struct pollfd p[3] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}, {in_fd, POLLOUT, 0}};
        if (poll(p, 3, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (int i = 0; i < 2; i++) {
            if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            char chunk[4096];
            ssize_t n = read(p[i].fd, chunk, sizeof(chunk));
            if (n > 0) {
                buf_append(i == 0 ? &bo : &be, chunk, (size_t)n);
            } else if (n == 0 || errno != EINTR) {
                close(p[i].fd);
                if (i == 0)
                    out[0] = -1;
                else
                    err[0] = -1;
                open_fds--;
            }
        }
        if (in_fd >= 0 && (p[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t n = write(in_fd, stdin_text + in_off, in_len - in_off);
            if (n > 0)
                in_off += (size_t)n;
            if (n < 0 || in_off == in_len) {
                close(in_fd);
                in_fd = -1;
            }
        }
    }
    int wstatus = 0;
    while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
        ;
    r->status = exit_status(wstatus);
    r->out = bo.data ? buf_detach(&bo, NULL) : xstrdup("");
    r->err = be.data ? buf_detach(&be, NULL) : xstrdup("");
    return r->status;
}

void support_run_free(struct support_run *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

/* ---- server ----------------------------------------------------------------------------- */

int support_server_start(struct support_server *s, const char *db, const char *const extra[],
                         const char *log_path)
{
    memset(s, 0, sizeof(*s));
    s->stdout_fd = -1;
    int out[2];
    if (pipe2(out, O_CLOEXEC))
        return -1;
    const char *pre[] = {support_bin(), "--db", db, "serve", "--listen", "127.0.0.1:0", NULL};
    char **argv = make_argv(pre, extra);
    char *key = pg_key_file(db);
    pid_t pid = fork();
    if (pid == 0) {
        if (key)
            setenv("WASPADA_KEY_FILE", key, 1);
        int devnull = open("/dev/null", O_RDONLY);
        dup2(devnull, 0);
        dup2(out[1], 1);
        if (log_path) {
            int logfd = open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
            if (logfd >= 0)
                dup2(logfd, 2);
        }
        execv(argv[0], argv);
        _exit(127);
    }
    free(argv);
    free(key);
    close(out[1]);
    if (pid < 0) {
        close(out[0]);
        return -1;
    }
    s->pid = pid;
    s->stdout_fd = out[0];
    s->log_path = log_path ? xstrdup(log_path) : NULL;

    char line[256];
    size_t len = 0;
    int64_t deadline = time_mono_ms() + 20000;
    while (len < sizeof(line) - 1 && !memchr(line, '\n', len)) {
        int64_t left = deadline - time_mono_ms();
        struct pollfd p = {s->stdout_fd, POLLIN, 0};
        if (left <= 0 || poll(&p, 1, (int)left) <= 0)
            break;
        ssize_t n = read(s->stdout_fd, line + len, sizeof(line) - 1 - len);
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    line[len] = '\0';
    const char *prefix = "waspada: listening on http://127.0.0.1:";
    long port = 0;
    char *nl = strchr(line, '\n');
    if (nl)
        *nl = '\0';
    if (!str_starts_with(line, prefix) ||
        str_to_long(line + strlen(prefix), 1, 65535, &port) != 0) {
        fprintf(stderr, "support: server did not start (stdout: '%s')\n", line);
        kill(pid, SIGKILL);
        support_server_stop(s);
        return -1;
    }
    s->port = (unsigned)port;
    snprintf(s->base_url, sizeof(s->base_url), "http://127.0.0.1:%u", s->port);
    return 0;
}

int support_server_stop(struct support_server *s)
{
    int status = -1;
    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        int wstatus = 0;
        int64_t deadline = time_mono_ms() + 10000;
        pid_t got;
        while ((got = waitpid(s->pid, &wstatus, WNOHANG)) == 0 && time_mono_ms() < deadline)
            usleep(10 * 1000);
        if (got == 0) {
            kill(s->pid, SIGKILL);
            waitpid(s->pid, &wstatus, 0);
            status = -1;
        } else if (got > 0) {
            status = exit_status(wstatus);
        }
        s->pid = 0;
    }
    if (s->stdout_fd >= 0)
        close(s->stdout_fd);
    s->stdout_fd = -1;
    free(s->log_path);
    s->log_path = NULL;
    return status;
}

/* ---- HTTP client ------------------------------------------------------------------------ */

static size_t on_body(char *data, size_t size, size_t n, void *user)
{
    buf_append(user, data, size * n);
    return size * n;
}

static size_t on_header(char *data, size_t size, size_t n, void *user)
{
    struct buf *b = user;
    /* A new status line (after "100 Continue" or a redirect) starts a new header block. */
    if (size * n >= 5 && memcmp(data, "HTTP/", 5) == 0)
        buf_reset(b);
    buf_append(b, data, size * n);
    return size * n;
}

int support_http_init(struct support_http *c, const char *base_url)
{
    static bool global_done;
    if (!global_done) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        global_done = true;
    }
    c->curl = curl_easy_init();
    str_copy(c->base_url, base_url, sizeof(c->base_url));
    if (!c->curl)
        return -1;
    curl_easy_setopt(c->curl, CURLOPT_COOKIEFILE, ""); /* in-memory cookie jar */
    curl_easy_setopt(c->curl, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
    return 0;
}

void support_http_cleanup(struct support_http *c)
{
    if (c->curl)
        curl_easy_cleanup(c->curl);
    c->curl = NULL;
}

long support_http(struct support_http *c, const char *method, const char *path, const char *body,
                  size_t body_len, const char *const headers[], struct support_response *r)
{
    memset(r, 0, sizeof(*r));
    CURL *curl = c->curl;
    struct buf bb, hb;
    buf_init(&bb, 0);
    buf_init(&hb, 0);
    char *url = xasprintf("%s%s", c->base_url, path);
    struct curl_slist *hl = NULL;
    if (body)
        hl = curl_slist_append(hl, "Content-Type: application/json");
    for (size_t i = 0; headers && headers[i]; i++)
        hl = curl_slist_append(hl, headers[i]);

    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L); /* resets POST state of earlier requests */
    curl_easy_setopt(curl, CURLOPT_NOBODY, str_eq(method, "HEAD") ? 1L : 0L);
    if (body) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                         (curl_off_t)(body_len == (size_t)-1 ? strlen(body) : body_len));
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    }
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST,
                     str_eq(method, "GET") || str_eq(method, "HEAD") ? NULL : method);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &bb);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &hb);
    CURLcode rc = curl_easy_perform(curl);
    if (rc == CURLE_OK)
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r->status);
    else
        fprintf(stderr, "support: %s %s: %s\n", method, url, curl_easy_strerror(rc));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(hl);
    free(url);
    r->len = bb.len;
    r->body = bb.data ? buf_detach(&bb, NULL) : xstrdup("");
    r->headers = hb.data ? buf_detach(&hb, NULL) : xstrdup("");
    return r->status;
}

void support_response_free(struct support_response *r)
{
    free(r->body);
    free(r->headers);
    r->body = r->headers = NULL;
}

char *support_response_header(const struct support_response *r, const char *name)
{
    size_t nlen = strlen(name);
    for (const char *line = r->headers; line && *line;) {
        const char *end = strchr(line, '\n');
        size_t llen = end ? (size_t)(end - line) : strlen(line);
        if (llen > nlen && strncasecmp(line, name, nlen) == 0 && line[nlen] == ':') {
            const char *v = line + nlen + 1;
            while (*v == ' ' || *v == '\t')
                v++;
            size_t vlen = (size_t)(line + llen - v);
            while (vlen > 0 && (v[vlen - 1] == '\r' || v[vlen - 1] == ' '))
                vlen--;
            return xstrndup(v, vlen);
        }
        line = end ? end + 1 : NULL;
    }
    return NULL;
}

char *support_http_cookie(struct support_http *c, const char *name)
{
    struct curl_slist *cookies = NULL;
    char *value = NULL;
    if (curl_easy_getinfo(c->curl, CURLINFO_COOKIELIST, &cookies) != CURLE_OK)
        return NULL;
    for (struct curl_slist *it = cookies; it && !value; it = it->next) {
        /* Netscape format: domain, tailmatch, path, secure, expires, name, value. */
        const char *f = it->data;
        for (int i = 0; i < 5 && f; i++) {
            f = strchr(f, '\t');
            if (f)
                f++;
        }
        if (!f)
            continue;
        const char *tab = strchr(f, '\t');
        if (tab && (size_t)(tab - f) == strlen(name) && strncmp(f, name, strlen(name)) == 0)
            value = xstrdup(tab + 1);
    }
    curl_slist_free_all(cookies);
    return value;
}
