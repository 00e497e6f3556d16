/*
 * with-pg COMMAND [ARG...]: run COMMAND with one private PostgreSQL server for all of it
 * (tests/support/pgcluster): WASPADA_TEST_PG_URL names a database on it (every test program
 * then makes its own databases there instead of starting a server each) and
 * WASPADA_TEST_ENGINE=postgresql runs the store's tests on it. The server is stopped and its
 * directory removed when COMMAND ends; the exit status is COMMAND's. Without PostgreSQL
 * installed it says so and exits 0 without running COMMAND (the SQLite run is the default).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../support/pgcluster.h"

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: with-pg COMMAND [ARG...]\n");
        return 2;
    }
    unsetenv("WASPADA_TEST_PG_URL"); /* a server of our own */
    struct pgcluster c = {0};
    int rc = pgcluster_start(&c);
    if (rc == PGCLUSTER_ABSENT) {
        fprintf(stderr, "with-pg: PostgreSQL is not installed, skipped: %s\n", c.why);
        return 0;
    }
    if (rc != PGCLUSTER_OK) {
        fprintf(stderr, "with-pg: PostgreSQL did not start: %s\n", c.why);
        return 1;
    }
    setenv("WASPADA_TEST_PG_URL", c.url, 1);
    setenv("WASPADA_TEST_ENGINE", "postgresql", 1);
    pid_t pid = fork();
    if (pid == 0) {
        execvp(argv[1], argv + 1);
        perror("with-pg: exec");
        _exit(127);
    }
    int st = 0;
    while (pid > 0 && waitpid(pid, &st, 0) < 0)
        ;
    pgcluster_stop(&c);
    if (pid < 0)
        return 1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
