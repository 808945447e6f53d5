/*
 * The core module's reactor: QuickJS behind the weft_v1 node ABI.
 *
 * The first task (the runtime's warm-up) creates the JavaScript runtime,
 * evaluates the bundle (core_bundle.c, generated from ../js at build time)
 * and lets it exercise its hot paths; the runtime then snapshots the
 * instance, so every later task starts from a loaded, warm engine. Per task
 * the task document goes to globalThis.__weft_run as a string and the string
 * it returns is the result. When a node returns a promise (async Code), the
 * pending jobs run until it settles and globalThis.__weft_take() gives the
 * result.
 *
 * Exports: weft_abi_version, weft_alloc, weft_run (docs/abi.md).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "quickjs.h"

extern const char weft_bundle[];
extern const unsigned int weft_bundle_len;

/* Heap the JavaScript engine may use; the runtime's memory limit applies on
 * top. Kept below the default 256 MiB so running out of heap is a catchable
 * JavaScript error rather than a trap. */
#define JS_HEAP_LIMIT (192u << 20)
/* Reserved after warm-up so typical tasks never grow linear memory (an
 * instance whose memory grew cannot be reset and is thrown away). */
#define HEADROOM (24u << 20)

static JSRuntime *rt;
static JSContext *ctx;
static JSValue run_fn, take_fn;

static char *in_buf;
static size_t in_cap;
static char *out_buf;

static const char init_failed[] =
    "{\"outputs\":null,\"error\":{\"message\":\"core module failed to initialise\"}}";

__attribute__((export_name("weft_abi_version"))) int32_t weft_abi_version(void) { return 1; }

__attribute__((export_name("weft_alloc"))) void *weft_alloc(int32_t len) {
    if (len < 0)
        return NULL;
    if ((size_t)len + 1 > in_cap) {
        free(in_buf);
        in_cap = (size_t)len + 1;
        in_buf = malloc(in_cap);
        if (!in_buf)
            in_cap = 0;
    }
    return in_buf;
}

static uint64_t pack(const char *p, size_t n) { return ((uint64_t)(uintptr_t)p << 32) | (uint32_t)n; }

/* result copies a JavaScript string into out_buf and packs it. */
static uint64_t result(JSValue v) {
    size_t n = 0;
    const char *s = JS_ToCStringLen(ctx, &n, v);
    JS_FreeValue(ctx, v);
    if (!s)
        return pack(init_failed, sizeof(init_failed) - 1);
    free(out_buf);
    out_buf = malloc(n + 1);
    if (!out_buf) {
        JS_FreeCString(ctx, s);
        return pack(init_failed, sizeof(init_failed) - 1);
    }
    memcpy(out_buf, s, n);
    JS_FreeCString(ctx, s);
    return pack(out_buf, n);
}

/* exception_result reports an exception that escaped __weft_run. */
static uint64_t exception_result(void) {
    JSValue exc = JS_GetException(ctx);
    JSValue fmt = JS_GetPropertyStr(ctx, JS_GetGlobalObject(ctx), "__weft_error");
    JSValue doc = JS_UNDEFINED;
    if (JS_IsFunction(ctx, fmt))
        doc = JS_Call(ctx, fmt, JS_UNDEFINED, 1, &exc);
    JS_FreeValue(ctx, fmt);
    JS_FreeValue(ctx, exc);
    if (JS_IsException(doc) || JS_IsUndefined(doc)) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        return pack(init_failed, sizeof(init_failed) - 1);
    }
    return result(doc);
}

static void drain_jobs(void) {
    JSContext *c;
    while (JS_ExecutePendingJob(rt, &c) > 0) {
    }
}

static int init(void) {
    rt = JS_NewRuntime();
    if (!rt)
        return -1;
    JS_SetMemoryLimit(rt, JS_HEAP_LIMIT);
    ctx = JS_NewContext(rt);
    if (!ctx)
        return -1;
    JSValue v = JS_Eval(ctx, weft_bundle, weft_bundle_len, "core.js", JS_EVAL_TYPE_GLOBAL);
    if (JS_IsException(v))
        return -1;
    JS_FreeValue(ctx, v);
    JSValue global = JS_GetGlobalObject(ctx);
    run_fn = JS_GetPropertyStr(ctx, global, "__weft_run");
    take_fn = JS_GetPropertyStr(ctx, global, "__weft_take");
    JS_FreeValue(ctx, global);
    if (!JS_IsFunction(ctx, run_fn) || !JS_IsFunction(ctx, take_fn))
        return -1;
    return 0;
}

__attribute__((export_name("weft_run"))) uint64_t weft_run(const char *task, int32_t len) {
    int first = rt == NULL;
    if (first && init() != 0)
        return pack(init_failed, sizeof(init_failed) - 1);

    /* A fresh seed per task: the snapshot would otherwise replay one
     * Math.random sequence in every task. */
    uint32_t seed[4] = {0, 0, 0, 0};
    getentropy(seed, sizeof(seed));

    JSValue args[5];
    args[0] = JS_NewStringLen(ctx, task, (size_t)len);
    for (int i = 0; i < 4; i++)
        args[i + 1] = JS_NewUint32(ctx, seed[i]);
    JSValue v = JS_Call(ctx, run_fn, JS_UNDEFINED, 5, args);
    for (int i = 0; i < 5; i++)
        JS_FreeValue(ctx, args[i]);
    if (JS_IsException(v))
        return exception_result();
    if (JS_IsNull(v)) {
        drain_jobs();
        v = JS_Call(ctx, take_fn, JS_UNDEFINED, 0, NULL);
        if (JS_IsException(v))
            return exception_result();
    }
    uint64_t r = result(v);
    if (first) {
        JS_RunGC(rt);
        void *reserve = malloc(HEADROOM);
        free(reserve);
    }
    return r;
}
