/* The client's loop: commands from any thread, one driver at a time (genapi_poll's caller, the
 * worker thread, or a blocking call), waiting on the transport's descriptors and the client's
 * wake-up pipe, pumping the transport within the poll budget, retry timers. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "client/client_internal.h"
#include "util/err.h"

#define GC_DEFAULT_BUDGET_NS (1500 * 1000LL)
#define GC_DEFAULT_MAX_ACTIVE 64

genapi_status gc_loop_init(genapi_client *c, genapi_error *err)
{
    int fds[2];
    if (pipe(fds) != 0)
        return ga_err(err, GENAPI_E_INTERNAL, NULL, "cannot create the client's wake-up pipe: %s", strerror(errno));
    for (int i = 0; i < 2; i++) {
        fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
        fcntl(fds[i], F_SETFD, FD_CLOEXEC);
    }
    c->wake_rd = fds[0];
    c->wake_wr = fds[1];
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    c->budget_ns = GC_DEFAULT_BUDGET_NS;
    c->max_active = GC_DEFAULT_MAX_ACTIVE;
    return GENAPI_OK;
}

void gc_wake_locked(genapi_client *c)
{
    /* The pipe is written only when someone may be waiting on it: the loop asleep in its
     * wait, or a caller's own event loop (genapi_poll_fds). A driver that is awake takes the
     * commands at its next turn, before it would wait: a blocking call on an idle client costs
     * no system call here. */
    if (!c->wake_pending && (c->sleeping || c->fds_exported)) {
        char b = 1;
        if (write(c->wake_wr, &b, 1) == 1)
            c->wake_pending = 1;
    }
    pthread_cond_broadcast(&c->cv);
}

void gc_command_locked(genapi_client *c, genapi_request *r)
{
    if (!r->cmd_queued) {
        r->cmd_queued = 1;
        r->cmd_next = NULL;
        if (c->cmd_tail)
            c->cmd_tail->cmd_next = r;
        else
            c->cmd_head = r;
        c->cmd_tail = r;
    }
    gc_wake_locked(c);
}

/* Take the commands queued by other threads and act on them (loop thread). */
static void process_commands(genapi_client *c)
{
    pthread_mutex_lock(&c->mu);
    if (c->wake_pending) {
        char buf[64];
        while (read(c->wake_rd, buf, sizeof buf) > 0) {
        }
        c->wake_pending = 0;
    }
    genapi_request *list = c->cmd_head;
    c->cmd_head = c->cmd_tail = NULL;
    pthread_mutex_unlock(&c->mu);
    while (list) {
        genapi_request *r = list;
        /* A request stays marked queued until taken here, so a command arriving meanwhile
         * only sets its flags and never relinks the list being walked. */
        pthread_mutex_lock(&c->mu);
        list = r->cmd_next;
        r->cmd_next = NULL;
        r->cmd_queued = 0;
        int cancel = r->cancel_flag && !r->done, resume = r->resume_flag;
        r->resume_flag = 0;
        pthread_mutex_unlock(&c->mu);
        if (r->state == GC_NEW)
            gc_req_queue(c, r);
        if (cancel)
            gc_req_cancel(c, r, "the request was cancelled");
        else if (resume)
            gc_req_resume(c, r);
    }
}

/* Transfers one turn of the loop starts at most: a burst of queued requests under a raised
 * max_active is spread over turns, so that one genapi_poll() does not open (and libcurl
 * connect) a thousand of them at once. */
#define GC_STARTS_PER_TURN 64

static void start_queued(genapi_client *c, size_t *starts)
{
    pthread_mutex_lock(&c->mu);
    size_t max = (size_t)c->max_active;
    pthread_mutex_unlock(&c->mu);
    while (c->queued_head && c->n_active < max && *starts > 0) {
        gc_req_activate(c, c->queued_head);
        (*starts)--;
    }
}

/* Milliseconds until the loop has work without any descriptor becoming ready. */
static int64_t next_timeout_ms(genapi_client *c, int64_t timers_ns)
{
    pthread_mutex_lock(&c->mu);
    int cmds = c->cmd_head != NULL || c->wake_pending;
    size_t max = (size_t)c->max_active;
    pthread_mutex_unlock(&c->mu);
    if (cmds || (c->queued_head && c->n_active < max))
        return 0;
    int64_t t = c->transport->timeout_ms(c->transport);
    if (timers_ns >= 0) {
        int64_t left = timers_ns - gt_now_ns();
        int64_t ms = left <= 0 ? 0 : (left + 999999) / 1000000;
        if (t < 0 || ms < t)
            t = ms;
    }
    return t;
}

/* What one wait found, handed to the transport's pump (up to 64 descriptors on the stack,
 * a table of the right size beyond). */
typedef struct waited {
    struct pollfd stack[65];
    struct pollfd *p;
    size_t n; /* transport descriptors in p (the wake-up pipe follows them) */
} waited;

static void waited_free(genapi_client *c, waited *w)
{
    if (w->p != NULL && w->p != w->stack)
        ga_free(&c->alloc, w->p);
    w->p = NULL;
}

/* Wait for a descriptor, the wake-up pipe or the time-out, unless a command came meanwhile.
 * Fills w with what was found; w->p is NULL when nothing was polled. */
static void wait_for_activity(genapi_client *c, int64_t timeout_ms, waited *w)
{
    genapi_pollfd small[64];
    size_t n = c->transport->fds(c->transport, small, 64);
    genapi_pollfd *fds = small;
    w->p = w->stack;
    w->n = 0;
    if (n > 64) { /* many transfers: a table of the right size */
        fds = ga_malloc(&c->alloc, n * sizeof *fds);
        w->p = ga_malloc(&c->alloc, (n + 1) * sizeof *w->p);
        if (fds == NULL || w->p == NULL) {
            ga_free(&c->alloc, fds);
            ga_free(&c->alloc, w->p);
            w->p = NULL;
            return; /* the caller pumps without waiting */
        }
        n = c->transport->fds(c->transport, fds, n);
    }
    struct pollfd *p = w->p;
    for (size_t i = 0; i < n; i++) {
        p[i].fd = fds[i].fd;
        p[i].events = (short)(((fds[i].events & GENAPI_POLL_IN) ? POLLIN : 0) |
                              ((fds[i].events & GENAPI_POLL_OUT) ? POLLOUT : 0));
        p[i].revents = 0;
    }
    if (fds != small)
        ga_free(&c->alloc, fds);
    p[n].fd = c->wake_rd;
    p[n].events = POLLIN;
    p[n].revents = 0;
    /* A command queued from now on writes the wake-up pipe (gc_wake_locked); one queued
     * before is seen here and the wait is skipped. */
    pthread_mutex_lock(&c->mu);
    int cmds = c->cmd_head != NULL || c->wake_pending;
    c->sleeping = !cmds;
    pthread_mutex_unlock(&c->mu);
    if (cmds) {
        waited_free(c, w);
        return;
    }
    poll(p, (nfds_t)n + 1, timeout_ms < 0 ? -1 : timeout_ms > 2147483647 ? 2147483647 : (int)timeout_ms);
    pthread_mutex_lock(&c->mu);
    c->sleeping = 0;
    pthread_mutex_unlock(&c->mu);
    w->n = n;
}

void gc_loop_turn(genapi_client *c, int32_t timeout_ms)
{
    uint64_t events = c->events;
    size_t starts = GC_STARTS_PER_TURN;
    waited w = {.p = NULL};
    process_commands(c);
    start_queued(c, &starts);
    int64_t timers = gc_req_timers(c, gt_now_ns());
    if (timeout_ms != 0 && c->events == events) { /* no callback ran yet: wait for something */
        int64_t t = next_timeout_ms(c, timers);
        int64_t wait = t < 0 ? timeout_ms : timeout_ms < 0 ? t : (t < timeout_ms ? t : timeout_ms);
        if (wait != 0) {
            wait_for_activity(c, wait, &w);
            process_commands(c);
            start_queued(c, &starts);
        }
    }
    pthread_mutex_lock(&c->mu);
    int64_t budget = c->budget_ns;
    pthread_mutex_unlock(&c->mu);
    c->transport->pump(c->transport, gt_now_ns() + budget, w.p, w.n);
    waited_free(c, &w);
    gc_req_timers(c, gt_now_ns());
    /* Cancels and starts asked for by the callbacks that just ran. */
    process_commands(c);
    start_queued(c, &starts);
}

genapi_status gc_drive_acquire(genapi_client *c)
{
    pthread_mutex_lock(&c->mu);
    genapi_status st = GENAPI_OK;
    if (c->driving)
        st = GENAPI_E_BUSY;
    else {
        c->driving = 1;
        c->driver = pthread_self();
    }
    pthread_mutex_unlock(&c->mu);
    return st;
}

void gc_drive_release(genapi_client *c)
{
    pthread_mutex_lock(&c->mu);
    c->driving = 0;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
}

genapi_status genapi_poll(genapi_client *c, int32_t timeout_ms)
{
    if (c == NULL)
        return GENAPI_E_INVALID_ARG;
    pthread_mutex_lock(&c->mu);
    if (c->driving || c->worker_running) {
        pthread_mutex_unlock(&c->mu);
        return GENAPI_E_BUSY;
    }
    c->driving = 1;
    c->driver = pthread_self();
    c->pumped = 1;
    c->poller = pthread_self();
    pthread_mutex_unlock(&c->mu);
    gc_loop_turn(c, timeout_ms);
    gc_drive_release(c);
    return GENAPI_OK;
}

size_t genapi_pending(genapi_client *c)
{
    if (c == NULL)
        return 0;
    pthread_mutex_lock(&c->mu);
    size_t n = c->pending;
    pthread_mutex_unlock(&c->mu);
    return n;
}

genapi_status genapi_client_set_poll_budget(genapi_client *c, int64_t budget_us)
{
    if (c == NULL || budget_us < 0 || budget_us > 10 * 1000 * 1000)
        return GENAPI_E_INVALID_ARG;
    pthread_mutex_lock(&c->mu);
    c->budget_ns = budget_us == 0 ? GC_DEFAULT_BUDGET_NS : budget_us * 1000;
    pthread_mutex_unlock(&c->mu);
    return GENAPI_OK;
}

genapi_status genapi_client_set_max_active(genapi_client *c, int32_t max_active)
{
    if (c == NULL || max_active < 0 || max_active > 4096)
        return GENAPI_E_INVALID_ARG;
    pthread_mutex_lock(&c->mu);
    c->max_active = max_active == 0 ? GC_DEFAULT_MAX_ACTIVE : max_active;
    gc_wake_locked(c);
    pthread_mutex_unlock(&c->mu);
    return GENAPI_OK;
}

size_t genapi_poll_fds(genapi_client *c, genapi_pollfd *fds, size_t cap)
{
    if (c == NULL)
        return 0;
    pthread_mutex_lock(&c->mu);
    c->fds_exported = 1; /* the caller waits on the wake-up pipe from now on */
    pthread_mutex_unlock(&c->mu);
    size_t n = c->transport->fds(c->transport, fds, cap);
    if (n < cap) {
        fds[n].fd = c->wake_rd;
        fds[n].events = GENAPI_POLL_IN;
    }
    return n + 1;
}

int64_t genapi_poll_timeout(genapi_client *c)
{
    if (c == NULL || genapi_pending(c) == 0)
        return -1;
    int64_t timers = gc_req_next_timer(c);
    return next_timeout_ms(c, timers);
}

/* ---- worker ------------------------------------------------------------------------------- */

static void *worker_main(void *arg)
{
    genapi_client *c = arg;
    for (;;) {
        pthread_mutex_lock(&c->mu);
        int stop = c->worker_stop;
        pthread_mutex_unlock(&c->mu);
        if (stop)
            break;
        gc_loop_turn(c, 100);
    }
    return NULL;
}

genapi_status genapi_client_start_worker(genapi_client *c, genapi_error *err)
{
    genapi_error_clear(err);
    if (c == NULL)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "client is NULL");
    pthread_mutex_lock(&c->mu);
    if (c->worker_running || c->driving) {
        pthread_mutex_unlock(&c->mu);
        return ga_err(err, GENAPI_E_BUSY, NULL, "a worker already runs, or the loop is being driven");
    }
    /* The worker is the loop's driver for as long as it runs. */
    c->driving = 1;
    c->worker_running = 1;
    c->worker_stop = 0;
    int rc = pthread_create(&c->worker, NULL, worker_main, c);
    if (rc == 0)
        c->driver = c->worker;
    else {
        c->driving = 0;
        c->worker_running = 0;
    }
    pthread_mutex_unlock(&c->mu);
    if (rc != 0)
        return ga_err(err, GENAPI_E_INTERNAL, NULL, "cannot start the worker thread: %s", strerror(rc));
    return GENAPI_OK;
}

void genapi_client_stop_worker(genapi_client *c)
{
    if (c == NULL)
        return;
    pthread_mutex_lock(&c->mu);
    int running = c->worker_running && !pthread_equal(c->worker, pthread_self());
    if (running) {
        c->worker_stop = 1;
        gc_wake_locked(c);
    }
    pthread_mutex_unlock(&c->mu);
    if (!running)
        return;
    pthread_join(c->worker, NULL);
    pthread_mutex_lock(&c->mu);
    c->worker_running = 0;
    c->driving = 0;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
}

/* ---- waiting ------------------------------------------------------------------------------ */

genapi_status gc_wait_for(genapi_client *c, genapi_request *r, int (*pred)(genapi_request *r), int64_t deadline_ns)
{
    for (;;) {
        pthread_mutex_lock(&c->mu);
        if (pred(r)) {
            pthread_mutex_unlock(&c->mu);
            return GENAPI_OK;
        }
        pthread_t self = pthread_self();
        if (c->driving && pthread_equal(c->driver, self)) {
            pthread_mutex_unlock(&c->mu);
            return GENAPI_E_BUSY; /* inside a callback of this client */
        }
        int64_t now = gt_now_ns();
        if (deadline_ns >= 0 && now >= deadline_ns) {
            pthread_mutex_unlock(&c->mu);
            return GENAPI_E_AGAIN;
        }
        /* Drive the loop unless a worker or another thread does (a pumping thread keeps that
         * role: its requests' callbacks must run inside its genapi_poll). */
        int other = c->driving || c->worker_running || (c->pumped && !pthread_equal(c->poller, self));
        if (other) {
            int64_t until = now + 100 * 1000000LL;
            if (deadline_ns >= 0 && deadline_ns < until)
                until = deadline_ns;
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            int64_t add = until - now;
            ts.tv_sec += (time_t)(add / 1000000000);
            ts.tv_nsec += (long)(add % 1000000000);
            if (ts.tv_nsec >= 1000000000) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000;
            }
            pthread_cond_timedwait(&c->cv, &c->mu, &ts);
            pthread_mutex_unlock(&c->mu);
            continue;
        }
        c->driving = 1;
        c->driver = self;
        pthread_mutex_unlock(&c->mu);
        int64_t wait = 1000;
        if (deadline_ns >= 0 && (deadline_ns - now) / 1000000 < wait)
            wait = (deadline_ns - now) / 1000000;
        gc_loop_turn(c, (int32_t)(wait > 0 ? wait : 0));
        gc_drive_release(c);
    }
}

/* ---- shutdown ----------------------------------------------------------------------------- */

void gc_loop_shutdown(genapi_client *c)
{
    genapi_client_stop_worker(c);
    process_commands(c);
    while (c->queued_head)
        gc_req_cancel(c, c->queued_head, "the client was freed");
    while (c->active)
        gc_req_cancel(c, c->active, "the client was freed");
    pthread_mutex_lock(&c->mu);
    for (genapi_request *r = c->all; r; r = r->all_next)
        r->c = NULL; /* handles still held live on their own */
    c->all = NULL;
    pthread_mutex_unlock(&c->mu);
    close(c->wake_rd);
    close(c->wake_wr);
    pthread_cond_destroy(&c->cv);
    pthread_mutex_destroy(&c->mu);
}
