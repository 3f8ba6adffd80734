/*
 * Minimal multi-threaded libfcgi responder: the C baseline for bench/foundation.sh.
 *
 * It does the same work Tally does for its cheap route, so that the comparison measures the
 * runtime and framework overhead, not a difference in the response:
 *   GET /health -> Status: 200 OK, Content-Type: application/json, X-Request-Id (echo of
 *   HTTP_X_REQUEST_ID when nginx passes one), Content-Length, body {"status":"ok"}.
 * Anything else gets a small JSON 404 / 405.
 *
 * Model (platform-notes.md 1.3): FCGX_Init once before threads, FCGX_OpenSocket on a unix path,
 * chmod 0660, then N threads, each with its own FCGX_Request looping on FCGX_Accept_r, with no
 * accept mutex. The request body is drained (1.7) although GET /health has none.
 *
 * Usage: responder SOCKET_PATH [THREADS=8] [BACKLOG=1024]
 * Stops on SIGTERM / SIGINT: the main thread waits for them with sigwait() (all threads block
 * them), unlinks the socket and exits. Worker threads never see a signal, so no EINTR mid-request.
 *
 * Build: gcc -O2 -pthread -Wall -Wextra -o responder responder.c -lfcgi
 */
#include <errno.h>
#include <fcgiapp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int listen_fd = -1;

static void put(FCGX_Stream *out, const char *s, size_t n) { FCGX_PutStr(s, (int)n, out); }

/* Drains CONTENT_LENGTH body bytes so that the connection stays in a clean state. */
static void drain_body(FCGX_Request *r) {
    const char *cl = FCGX_GetParam("CONTENT_LENGTH", r->envp);
    long remaining = cl ? strtol(cl, NULL, 10) : 0;
    char buf[4096];
    while (remaining > 0) {
        int want = remaining > (long)sizeof buf ? (int)sizeof buf : (int)remaining;
        int got = FCGX_GetStr(buf, want, r->in);
        if (got <= 0) break;
        remaining -= got;
    }
}

/* True when the path part of REQUEST_URI equals `want` (Tally routes on REQUEST_URI alone). */
static int path_is(FCGX_Request *r, const char *want) {
    const char *uri = FCGX_GetParam("REQUEST_URI", r->envp);
    if (!uri) return 0;
    size_t n = strcspn(uri, "?");
    return strlen(want) == n && memcmp(uri, want, n) == 0;
}

static void respond(FCGX_Request *r, const char *status, const char *body) {
    char head[512];
    const char *rid = FCGX_GetParam("HTTP_X_REQUEST_ID", r->envp);
    size_t blen = strlen(body);
    int n;
    /* Request ids from nginx are 32 hex chars; cap what is echoed so the header stays small. */
    if (rid && *rid)
        n = snprintf(head, sizeof head,
                     "Status: %s\r\nContent-Type: application/json\r\nX-Request-Id: %.128s\r\n"
                     "Content-Length: %zu\r\n\r\n",
                     status, rid, blen);
    else
        n = snprintf(head, sizeof head,
                     "Status: %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                     status, blen);
    if (n < 0 || (size_t)n >= sizeof head) n = (int)strlen(head);
    put(r->out, head, (size_t)n);
    put(r->out, body, blen);
}

static void handle(FCGX_Request *r) {
    const char *method = FCGX_GetParam("REQUEST_METHOD", r->envp);
    drain_body(r);
    if (path_is(r, "/health")) {
        if (method && (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0))
            respond(r, "200 OK", "{\"status\":\"ok\"}");
        else
            respond(r, "405 Method Not Allowed",
                    "{\"error\":{\"code\":\"method_not_allowed\",\"message\":\"method not allowed\"}}");
    } else {
        respond(r, "404 Not Found", "{\"error\":{\"code\":\"not_found\",\"message\":\"not found\"}}");
    }
}

static void *worker(void *arg) {
    (void)arg;
    FCGX_Request req;
    if (FCGX_InitRequest(&req, listen_fd, 0) != 0) {
        fprintf(stderr, "responder: FCGX_InitRequest failed\n");
        return NULL;
    }
    for (;;) {
        int rc = FCGX_Accept_r(&req);
        if (rc < 0) {
            if (rc == -EINTR) continue;
            fprintf(stderr, "responder: FCGX_Accept_r returned %d\n", rc);
            break;
        }
        handle(&req);
        FCGX_Finish_r(&req);
    }
    FCGX_Free(&req, 1);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s SOCKET_PATH [THREADS=8] [BACKLOG=1024]\n", argv[0]);
        return 2;
    }
    const char *path = argv[1];
    int threads = argc > 2 ? atoi(argv[2]) : 8;
    int backlog = argc > 3 ? atoi(argv[3]) : 1024;
    if (threads < 1 || threads > 1024) threads = 8;
    if (backlog < 1) backlog = 1024;
    if (strlen(path) >= 100) { /* FCGX_OpenSocket would exit(1000) */
        fprintf(stderr, "responder: socket path too long: %s\n", path);
        return 2;
    }

    if (FCGX_Init() != 0) {
        fprintf(stderr, "responder: FCGX_Init failed\n");
        return 1;
    }
    /* Block the stop signals (and SIGUSR1/SIGPIPE, whose libfcgi handlers lack SA_RESTART) in
     * every thread; the workers inherit this mask. SIGPIPE stays blocked, so a write to a peer that
     * went away returns EPIPE. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, NULL);

    listen_fd = FCGX_OpenSocket(path, backlog); /* unlinks the path first */
    if (listen_fd < 0) {
        fprintf(stderr, "responder: cannot listen on %s\n", path);
        return 1;
    }
    if (chmod(path, 0660) != 0) {
        perror("responder: chmod 0660");
        return 1;
    }

    pthread_t *tids = calloc((size_t)threads, sizeof *tids);
    if (!tids) return 1;
    for (int i = 0; i < threads; i++) {
        int err = pthread_create(&tids[i], NULL, worker, NULL);
        if (err != 0) {
            fprintf(stderr, "responder: pthread_create: %s\n", strerror(err));
            return 1;
        }
    }
    fprintf(stderr, "responder: pid %d listening on %s with %d threads\n", (int)getpid(), path,
            threads);

    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    int sig = 0;
    while (sigwait(&stop, &sig) != 0) {
    }
    FCGX_ShutdownPending();
    unlink(path);
    fprintf(stderr, "responder: signal %d, exiting\n", sig);
    /* Workers may be inside accept() or a request; a benchmark baseline needs no drain. */
    _exit(0);
}
