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
 *
 * A task may carry, after its JSON document and a NUL byte, the bytecode
 * the module compiled in earlier runs of the same node (../README.md,
 * "Compiled code"): __weft_fn_cached(source) evaluates an entry straight
 * from there, with no JSON or base64 in the way.
 */
#define _GNU_SOURCE /* memmem */
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "qjs.h"
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
/* Allocation a task may do before the garbage collector runs. */
#define GC_ALLOWANCE (16u << 20)

/* The engine's allocations. From the snapshot on, blocks come from a bump
 * arena reserved in it: a task's new objects sit on consecutive pages, so
 * the reset has fewer pages to restore, and freeing one costs nothing. The
 * arena is empty again at the start of every task, since every task starts
 * from the snapshot. Past the arena, and for blocks from before the
 * snapshot, malloc and free as usual. Sizes are reported exactly, so the
 * engine's heap limit and collector thresholds see real figures. */
#define ARENA_SIZE (2u << 20)

typedef struct {
    size_t size; /* usable bytes after the header */
    size_t pad;  /* keeps blocks 16-byte aligned */
} block;

static char *arena, *arena_next, *arena_end;

/* Set while a task's allocations are meant to outlive it: a weft.prepare
 * task's, which the host makes part of the snapshot. Everything the arena
 * hands out stays taken in a new snapshot (freeing a block short of the
 * last gives nothing back), so preparing allocates with malloc instead. */
static int arena_paused;

/* Set once a task has paused the arena: its state outlives it, so it
 * frees its task and result documents. Every other task's state is
 * discarded by the reset that follows it (the runtime resets a reactor
 * instance after each task, or closes it), so those documents are left
 * for the reset instead of taken apart object by object: 3,000 to 5,000
 * native instructions a task. */
static int kept_task;

static int in_arena(const void *p) { return arena && (const char *)p >= arena && (const char *)p < arena_end; }

static void *arena_take(size_t n) {
    size_t need = (n + sizeof(block) + 15) & ~(size_t)15;
    if (!arena || arena_paused || n > ARENA_SIZE || (size_t)(arena_end - arena_next) < need)
        return NULL;
    block *b = (block *)arena_next;
    arena_next += need;
    b->size = need - sizeof(block);
    return b + 1;
}

static void *js_arena_malloc(void *opaque, size_t n) {
    void *p = arena_take(n);
    return p ? p : malloc(n);
}

static void *js_arena_calloc(void *opaque, size_t count, size_t size) {
    if (size && count > SIZE_MAX / size)
        return NULL;
    void *p = arena_take(count * size);
    if (!p)
        return calloc(count, size);
    memset(p, 0, count * size);
    return p;
}

static void js_arena_free(void *opaque, void *p) {
    if (!p)
        return;
    if (!in_arena(p)) {
        free(p);
        return;
    }
    block *b = (block *)p - 1;
    if ((char *)p + b->size == arena_next) /* the last block: given back */
        arena_next = (char *)b;
}

static size_t js_arena_usable_size(const void *p) {
    if (!p)
        return 0;
    return in_arena(p) ? ((const block *)p - 1)->size : malloc_usable_size((void *)p);
}

static void *js_arena_realloc(void *opaque, void *p, size_t n) {
    if (!p)
        return js_arena_malloc(opaque, n);
    if (!in_arena(p))
        return realloc(p, n);
    block *b = (block *)p - 1;
    if (n <= b->size)
        return p;
    size_t need = (n + 15) & ~(size_t)15;
    if ((char *)p + b->size == arena_next && (size_t)(arena_end - (char *)p) >= need) {
        arena_next = (char *)p + need; /* the last block grows in place */
        b->size = need;
        return p;
    }
    void *q = js_arena_malloc(opaque, n);
    if (!q)
        return NULL;
    memcpy(q, p, b->size);
    js_arena_free(opaque, p);
    return q;
}

static const JSMallocFunctions arena_funcs = {
    js_arena_calloc, js_arena_malloc, js_arena_free, js_arena_realloc, js_arena_usable_size,
};

static JSRuntime *rt;
static JSContext *ctx;
static JSValue run_fn, take_fn;
/* the task member left as JSON text for the JavaScript to parse on first
 * use (src/taskContext.js): most node runs never read it */
static JSAtom atom_context;

static char *in_buf;
static size_t in_cap;
static json_buf out;

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

/* exception_result reports the pending exception as the result. */
static uint64_t exception_result(void) {
    JSValue exc = JS_GetException(ctx);
    JSValue global = JS_GetGlobalObject(ctx);
    JSValue fmt = JS_GetPropertyStr(ctx, global, "__weft_error");
    JS_FreeValue(ctx, global);
    JSValue doc = JS_UNDEFINED;
    if (JS_IsFunction(ctx, fmt))
        doc = JS_Call(ctx, fmt, JS_UNDEFINED, 1, &exc);
    JS_FreeValue(ctx, fmt);
    JS_FreeValue(ctx, exc);
    if (!JS_IsObject(doc)) {
        JS_FreeValue(ctx, doc);
        JS_FreeValue(ctx, JS_GetException(ctx));
        return pack(init_failed, sizeof(init_failed) - 1);
    }
    /* an error document is plain data: json_stringify writes it */
    if (json_stringify(ctx, doc, &out) != 0) {
        JS_FreeValue(ctx, doc);
        return pack(init_failed, sizeof(init_failed) - 1);
    }
    JS_FreeValue(ctx, doc);
    return pack(out.data, out.len);
}

/* result writes the result document v as JSON into out and packs it:
 * json_stringify for the plain data results hold, JSON.stringify for the
 * rest; an error writing it (a cycle, a throwing toJSON) is the result's
 * error. */
static uint64_t result(JSValue v) {
    if (json_stringify(ctx, v, &out) == 0) {
        if (kept_task)
            JS_FreeValue(ctx, v);
        return pack(out.data, out.len);
    }
    JSValue s = JS_JSONStringify(ctx, v, JS_UNDEFINED, JS_UNDEFINED);
    JS_FreeValue(ctx, v);
    if (JS_IsException(s))
        return exception_result();
    size_t n = 0;
    const char *str = JS_IsString(s) ? JS_ToCStringLen(ctx, &n, s) : NULL;
    JS_FreeValue(ctx, s);
    if (!str)
        return pack(init_failed, sizeof(init_failed) - 1);
    char *data = realloc(out.data, n + 1);
    if (!data) {
        JS_FreeCString(ctx, str);
        return pack(init_failed, sizeof(init_failed) - 1);
    }
    memcpy(data, str, n);
    JS_FreeCString(ctx, str);
    out.data = data, out.len = n, out.cap = n + 1;
    return pack(out.data, out.len);
}

static void drain_jobs(void) {
    JSContext *c;
    while (JS_ExecutePendingJob(rt, &c) > 0) {
    }
}

/* Math.random: xoshiro128** reseeded from the host's CSPRNG for every task,
 * so tasks that start from one snapshot still draw different numbers. */
static uint32_t rng[4];

static uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

static uint32_t next_u32(void) {
    uint32_t r = rotl(rng[1] * 5, 7) * 9, t = rng[1] << 9;
    rng[2] ^= rng[0];
    rng[3] ^= rng[1];
    rng[1] ^= rng[2];
    rng[0] ^= rng[3];
    rng[2] ^= t;
    rng[3] = rotl(rng[3], 11);
    return r;
}

static void reseed(void) {
    if (getentropy(rng, sizeof(rng)) != 0 || (rng[0] | rng[1] | rng[2] | rng[3]) == 0)
        rng[0] ^= 0x9e3779b9u;
}

static JSValue js_random(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv) {
    uint64_t hi = next_u32() >> 5, lo = next_u32() >> 6; /* 53 random bits */
    return JS_NewFloat64(c, (double)((hi << 26) | lo) / 9007199254740992.0);
}

/* __weft_arena_pause(on) stops (true) or resumes (false) taking blocks
 * from the task arena (see arena_paused). */
static JSValue js_arena_pause(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv) {
    arena_paused = argc > 0 && JS_ToBool(c, argv[0]) == 1;
    if (arena_paused)
        kept_task = 1;
    return JS_UNDEFINED;
}

/* __weft_random_u32() returns 32 random bits (crypto.getRandomValues). */
static JSValue js_random_u32(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv) {
    return JS_NewUint32(c, next_u32());
}

/* Compiled functions travel to the host as base64 bytecode in the result,
 * so a later task can load instead of parsing again (every task starts
 * from the snapshot, which knows no compiled user code). */
static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static char *b64_encode(const uint8_t *in, size_t n, size_t *outlen) {
    size_t m = 4 * ((n + 2) / 3);
    char *out = malloc(m + 1);
    if (!out)
        return NULL;
    size_t i = 0, j = 0;
    for (; i + 2 < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[j++] = b64chars[v >> 18];
        out[j++] = b64chars[(v >> 12) & 63];
        out[j++] = b64chars[(v >> 6) & 63];
        out[j++] = b64chars[v & 63];
    }
    if (i < n) {
        uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < n ? (uint32_t)in[i + 1] << 8 : 0);
        out[j++] = b64chars[v >> 18];
        out[j++] = b64chars[(v >> 12) & 63];
        out[j++] = i + 1 < n ? b64chars[(v >> 6) & 63] : '=';
        out[j++] = '=';
    }
    out[j] = 0;
    *outlen = j;
    return out;
}

/* pair returns [a, b], taking both. */
static JSValue pair(JSContext *c, JSValue a, JSValue b) {
    JSValue arr = JS_NewArray(c);
    JS_SetPropertyUint32(c, arr, 0, a);
    JS_SetPropertyUint32(c, arr, 1, b);
    return arr;
}

/* __weft_fn_compile(src, strip) evaluates the script src (which must
 * evaluate to a function) and returns [value, base64 bytecode of the
 * script]. With strip the bytecode leaves out the source text (which only
 * Function.prototype.toString shows). */
static JSValue js_fn_compile(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv) {
    size_t n;
    const char *src = JS_ToCStringLen(c, &n, argv[0]);
    if (!src)
        return JS_EXCEPTION;
    int strip = argc > 1 && JS_ToBool(c, argv[1]);
    JSValue code = JS_Eval(c, src, n, "<input>", JS_EVAL_TYPE_GLOBAL | JS_EVAL_FLAG_COMPILE_ONLY);
    JS_FreeCString(c, src);
    if (JS_IsException(code))
        return code;
    size_t size = 0;
    uint8_t *bytes = JS_WriteObject(c, &size, code, JS_WRITE_OBJ_BYTECODE | (strip ? JS_WRITE_OBJ_STRIP_SOURCE : 0));
    JSValue encoded = JS_NULL;
    if (bytes) {
        size_t m;
        char *b64 = b64_encode(bytes, size, &m);
        js_free(c, bytes);
        if (b64) {
            encoded = JS_NewStringLen(c, b64, m);
            free(b64);
        }
    }
    JSValue fn = JS_EvalFunction(c, code);
    if (JS_IsException(fn)) {
        JS_FreeValue(c, encoded);
        return fn;
    }
    return pair(c, fn, encoded);
}

/* hash writes the key compiled code is cached under: a 128-bit FNV-1a
 * digest of the source, as 32 hex digits. */
static void hash(const char *s, size_t n, char out[32]) {
    uint64_t h1 = 0xcbf29ce484222325ull, h2 = 0x84222325cbf29ce4ull;
    for (size_t i = 0; i < n; i++) {
        h1 = (h1 ^ (uint8_t)s[i]) * 0x100000001b3ull;
        h2 = (h2 ^ (uint8_t)s[i]) * 0x100000001b3ull;
        h2 ^= h2 >> 29;
    }
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 16; i++) {
        out[i] = hex[(h1 >> (60 - 4 * i)) & 15];
        out[16 + i] = hex[(h2 >> (60 - 4 * i)) & 15];
    }
}

/* source_key writes the key of the JavaScript string v; -1 when it cannot
 * be read (an exception is pending). */
static int source_key(JSContext *c, JSValueConst v, char key[32]) {
    size_t n;
    const char *s = JS_ToCStringLen(c, &n, v);
    if (!s)
        return -1;
    hash(s, n, key);
    JS_FreeCString(c, s);
    return 0;
}

/* __weft_hash(s) is the key of source s (see hash). */
static JSValue js_hash(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv) {
    char key[32];
    if (source_key(c, argv[0], key) < 0)
        return JS_EXCEPTION;
    return JS_NewStringLen(c, key, 32);
}

/* The compiled code the current task carries: entries of
 *   key (32 bytes) | meta length (u32 LE) | meta | code length (u32 LE) | code
 * where key is the __weft_hash of the source, meta a string the caller
 * stored with the code and code what __weft_fn_compile encoded. */
static const uint8_t *cached;
static size_t cached_len;

static uint32_t le32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

/* The meta of the entry __weft_fn_cached last loaded. */
static const uint8_t *loaded_meta;
static uint32_t loaded_meta_len;

/* __weft_fn_cached(source) returns the function of the entry of source,
 * or undefined when the task carries none (__weft_fn_meta() then gives
 * its meta); bytecode that does not load throws. */
static JSValue js_fn_cached(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv) {
    if (cached_len == 0)
        return JS_UNDEFINED;
    char key[32];
    if (source_key(c, argv[0], key) < 0)
        return JS_EXCEPTION;
    const uint8_t *p = cached, *end = cached + cached_len;
    const uint8_t *meta = NULL, *code = NULL;
    uint32_t meta_len = 0, code_len = 0;
    while (end - p >= 36) {
        const uint8_t *k = p;
        uint32_t ml = le32(p + 32);
        if ((size_t)(end - p - 36) < ml || end - p - 36 - ml < 4)
            break;
        uint32_t cl = le32(p + 36 + ml);
        if ((size_t)(end - p - 40 - ml) < cl)
            break;
        if (memcmp(k, key, 32) == 0) {
            meta = p + 36, meta_len = ml;
            code = p + 40 + ml, code_len = cl;
            break;
        }
        p += 40 + ml + cl;
    }
    if (!code)
        return JS_UNDEFINED;
    JSValue obj = JS_ReadObject(c, code, code_len, JS_READ_OBJ_BYTECODE);
    if (JS_IsException(obj))
        return obj;
    JSValue fn = JS_EvalFunction(c, obj);
    if (!JS_IsException(fn))
        loaded_meta = meta, loaded_meta_len = meta_len;
    return fn;
}

/* __weft_fn_meta() is the meta of the function __weft_fn_cached last
 * returned in this task ("" if none). */
static JSValue js_fn_meta(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv) {
    return JS_NewStringLen(c, (const char *)loaded_meta, loaded_meta ? loaded_meta_len : 0);
}

/* __weft_json_parse(text) is JSON.parse(text), through json_parse when it
 * can. __weft_json_parse(text, key) keeps the top-level member key as its
 * JSON text, as tasks keep their context (json_parse_raw), when it can. */
static JSValue js_json_parse(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv) {
    size_t n;
    JSAtom raw = JS_ATOM_NULL;
    if (argc > 1 && JS_IsString(argv[1])) {
        raw = JS_ValueToAtom(c, argv[1]);
        if (raw == JS_ATOM_NULL)
            return JS_EXCEPTION;
    }
    const char *s = JS_ToCStringLen(c, &n, argv[0]);
    if (!s) {
        JS_FreeAtom(c, raw);
        return JS_EXCEPTION;
    }
    JSValue v = json_parse_raw(c, s, n, raw);
    JS_FreeAtom(c, raw);
    if (JS_VALUE_GET_TAG(v) == JS_TAG_UNINITIALIZED)
        v = JS_ParseJSON(c, s, n, "<input>");
    JS_FreeCString(c, s);
    return v;
}

/* __weft_json_stringify(v) is JSON.stringify(v) as json_stringify writes
 * it, or undefined when it leaves v to JSON.stringify. */
static JSValue js_json_stringify(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv) {
    json_buf b = {0};
    JSValue r = JS_UNDEFINED;
    if (json_stringify(c, argv[0], &b) == 0)
        r = JS_NewStringLen(c, b.data, b.len);
    free(b.data);
    return r;
}

/* is_expression: 1 when the string v is an expression (starts with '='),
 * 0 when not, -1 on an exception. */
static int is_expression(JSContext *c, JSValueConst v) {
    size_t n;
    const char *s = JS_ToCStringLen(c, &n, v);
    if (!s)
        return -1;
    int r = n > 0 && s[0] == '=';
    JS_FreeCString(c, s);
    return r;
}

/* Where the expressions of plain parameter data are: a walk depth first,
 * in Object.keys order, that records the keys leading to every expression
 * string. With keys_only it records just the keys of obj's own values that
 * are expressions, and stops at the first expression deeper down. */
#define PATHS_MAX_DEPTH 64

typedef struct {
    JSAtom keys[PATHS_MAX_DEPTH];
    int depth;
    int keys_only;
    int deeper; /* keys_only: an expression below obj's own values */
    JSValue out; /* what was found, an array, or JS_NULL before the first */
    uint32_t n;
} paths_walk;

/* add_path records the expression at keys[0..depth]: its path, or its key.
 * 1 when the walk is to stop (keys_only, and the expression is deeper). */
static int add_path(JSContext *c, paths_walk *w) {
    if (w->keys_only && w->depth > 0) {
        w->deeper = 1;
        return 1;
    }
    if (JS_IsNull(w->out)) {
        w->out = JS_NewArray(c);
        if (JS_IsException(w->out)) {
            w->out = JS_NULL;
            return -1;
        }
    }
    JSValue entry;
    if (w->keys_only) {
        entry = JS_AtomToString(c, w->keys[0]);
    } else {
        entry = JS_NewArray(c);
        for (int d = 0; d <= w->depth && !JS_IsException(entry); d++) {
            if (JS_SetPropertyUint32(c, entry, (uint32_t)d, JS_AtomToValue(c, w->keys[d])) < 0) {
                JS_FreeValue(c, entry);
                entry = JS_EXCEPTION;
            }
        }
    }
    if (JS_IsException(entry))
        return -1;
    return JS_SetPropertyUint32(c, w->out, w->n++, entry) < 0 ? -1 : 0;
}

/* walk_paths: 1 when v holds expressions (recorded), 0 when not, -1 when
 * something in it is not plain data, too deep, or an exception. */
static int walk_paths(JSContext *c, JSValueConst v, paths_walk *w) {
    if (w->depth >= PATHS_MAX_DEPTH || !json_is_plain(c, v))
        return -1;
    JSPropertyEnum *tab;
    uint32_t len;
    if (JS_GetOwnPropertyNames(c, &tab, &len, v, JS_GPN_STRING_MASK | JS_GPN_ENUM_ONLY) < 0)
        return -1;
    int found = 0, failed = 0;
    for (uint32_t i = 0; i < len && !failed && !w->deeper; i++) {
        JSValue e = JS_GetProperty(c, v, tab[i].atom);
        if (JS_IsException(e)) {
            failed = 1;
            break;
        }
        w->keys[w->depth] = tab[i].atom;
        int r = 0;
        if (JS_IsString(e)) {
            r = is_expression(c, e);
            if (r > 0 && add_path(c, w) < 0)
                r = -1;
        } else if (JS_IsObject(e)) {
            w->depth++;
            r = walk_paths(c, e, w);
            w->depth--;
        }
        if (r < 0)
            failed = 1;
        else if (r)
            found = 1;
        JS_FreeValue(c, e);
    }
    JS_FreePropertyEnum(c, tab, len);
    return failed ? -1 : found;
}

static JSValue expression_walk(JSContext *c, JSValueConst v, int keys_only) {
    paths_walk w;
    w.depth = 0;
    w.keys_only = keys_only;
    w.deeper = 0;
    w.out = JS_NULL;
    w.n = 0;
    int r = walk_paths(c, v, &w);
    if (r < 0 || w.deeper) {
        JS_FreeValue(c, w.out);
        if (JS_HasException(c))
            return JS_EXCEPTION;
        return r < 0 ? JS_UNDEFINED : JS_FALSE;
    }
    return w.out;
}

/* __weft_refs(inputs, outputs) is src/main.js's referenceInputs for up to
 * REFS_SEARCH input items, outputs and items per output, all in arrays
 * stored without holes: outputs
 * with each output item that is an input item replaced by its place (i
 * for input 0's item i, [k, i] for input k's, the last place it appears),
 * or undefined, when the JavaScript does it. */
#define REFS_SEARCH 16

static void free_values(JSContext *c, JSValue *v, int64_t n) {
    for (int64_t i = 0; i < n; i++)
        JS_FreeValue(c, v[i]);
}

static JSValue js_refs(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv) {
    JSValue *ins, *outs;
    int64_t nin = weft_array_values(c, argv[0], &ins);
    int64_t nout = weft_array_values(c, argv[1], &outs);
    if (nin < 0 || nout < 0 || nin > 8 || nout > REFS_SEARCH)
        return JS_UNDEFINED;
    JSValue *lists[8];
    int64_t lens[8];
    int64_t count = 0;
    for (int64_t k = 0; k < nin; k++) {
        lens[k] = 0;
        lists[k] = NULL;
        if (JS_IsUndefined(ins[k]) || JS_IsNull(ins[k]))
            continue;
        lens[k] = weft_array_values(c, ins[k], &lists[k]);
        if (lens[k] < 0)
            return JS_UNDEFINED;
        count += lens[k];
    }
    if (count > REFS_SEARCH)
        return JS_UNDEFINED;
    /* everything is looked at before anything is made: making arrays runs
     * no JavaScript (JS_NewArrayFrom), so the lists read stay as they are */
    JSValue *olists[REFS_SEARCH];
    int64_t olens[REFS_SEARCH];
    for (int64_t o = 0; o < nout; o++) {
        int64_t n = olens[o] = weft_array_values(c, outs[o], &olists[o]);
        if (n < 0 && JS_IsArray(outs[o]))
            return JS_UNDEFINED;
        if (n > REFS_SEARCH)
            return JS_UNDEFINED;
        for (int64_t j = 0; j < n; j++)
            if (!JS_IsObject(olists[o][j]))
                return JS_UNDEFINED; /* compared by value in JavaScript */
    }
    JSValue entries[REFS_SEARCH];
    for (int64_t o = 0; o < nout; o++) {
        JSValue *items = olists[o];
        int64_t n = olens[o];
        if (n < 0) {
            entries[o] = JS_DupValue(c, outs[o]); /* null: no output */
            continue;
        }
        JSValue refs[REFS_SEARCH];
        for (int64_t j = 0; j < n; j++) {
            JSValue it = items[j], ref = JS_UNINITIALIZED;
            for (int64_t k = nin - 1; k >= 0 && JS_IsUninitialized(ref); k--) {
                for (int64_t i = lens[k] - 1; i >= 0; i--) {
                    if (JS_IsObject(lists[k][i]) && JS_VALUE_GET_PTR(lists[k][i]) == JS_VALUE_GET_PTR(it)) {
                        if (k == 0) {
                            ref = JS_NewInt32(c, (int32_t)i);
                        } else {
                            JSValue pair[2] = {JS_NewInt32(c, (int32_t)k), JS_NewInt32(c, (int32_t)i)};
                            ref = JS_NewArrayFrom(c, 2, pair);
                        }
                        break;
                    }
                }
            }
            refs[j] = JS_IsUninitialized(ref) ? JS_DupValue(c, it) : ref;
            if (JS_IsException(refs[j])) {
                free_values(c, refs, j);
                free_values(c, entries, o);
                return JS_EXCEPTION;
            }
        }
        entries[o] = JS_NewArrayFrom(c, (int)n, refs);
        if (JS_IsException(entries[o])) { /* the values stay ours */
            free_values(c, refs, n);
            free_values(c, entries, o);
            return JS_EXCEPTION;
        }
    }
    JSValue out = JS_NewArrayFrom(c, (int)nout, entries);
    if (JS_IsException(out))
        free_values(c, entries, nout);
    return out;
}

/* __weft_expression_keys(obj) looks into plain parameter data: null when
 * nothing in obj is an expression; the keys of obj (in Object.keys order)
 * whose values are expression strings, when no deeper value is one; false
 * when a deeper value is one; undefined when obj is not plain data (the
 * JavaScript then looks itself). */
static JSValue js_expression_keys(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv) {
    return expression_walk(c, argv[0], 1);
}

/* __weft_expression_paths(obj) looks into plain parameter data in one
 * walk: null when nothing in obj is an expression; else an array with the
 * path to each expression string, as an array of keys, in the order a
 * depth-first walk in Object.keys order meets them; undefined when obj is
 * not plain data (the JavaScript then looks itself). */
static JSValue js_expression_paths(JSContext *c, JSValueConst this_val, int argc, JSValueConst *argv) {
    return expression_walk(c, argv[0], 0);
}

static int init(void) {
    rt = JS_NewRuntime2(&arena_funcs, NULL);
    if (!rt)
        return -1;
    JS_SetMemoryLimit(rt, JS_HEAP_LIMIT);
    ctx = JS_NewContext(rt);
    if (!ctx)
        return -1;
    json_init(ctx);
    atom_context = JS_NewAtom(ctx, "context");
    JSValue global = JS_GetGlobalObject(ctx);
    JSValue math = JS_GetPropertyStr(ctx, global, "Math");
    JS_SetPropertyStr(ctx, math, "random", JS_NewCFunction(ctx, js_random, "random", 0));
    JS_FreeValue(ctx, math);
    JS_SetPropertyStr(ctx, global, "__weft_random_u32", JS_NewCFunction(ctx, js_random_u32, "__weft_random_u32", 0));
    JS_SetPropertyStr(ctx, global, "__weft_arena_pause", JS_NewCFunction(ctx, js_arena_pause, "__weft_arena_pause", 1));
    JS_SetPropertyStr(ctx, global, "__weft_fn_compile", JS_NewCFunction(ctx, js_fn_compile, "__weft_fn_compile", 1));
    JS_SetPropertyStr(ctx, global, "__weft_fn_cached", JS_NewCFunction(ctx, js_fn_cached, "__weft_fn_cached", 1));
    JS_SetPropertyStr(ctx, global, "__weft_fn_meta", JS_NewCFunction(ctx, js_fn_meta, "__weft_fn_meta", 0));
    JS_SetPropertyStr(ctx, global, "__weft_hash", JS_NewCFunction(ctx, js_hash, "__weft_hash", 1));
    JS_SetPropertyStr(ctx, global, "__weft_refs", JS_NewCFunction(ctx, js_refs, "__weft_refs", 2));
    JS_SetPropertyStr(ctx, global, "__weft_expression_keys", JS_NewCFunction(ctx, js_expression_keys, "__weft_expression_keys", 1));
    JS_SetPropertyStr(ctx, global, "__weft_expression_paths", JS_NewCFunction(ctx, js_expression_paths, "__weft_expression_paths", 1));
    JS_SetPropertyStr(ctx, global, "__weft_json_parse", JS_NewCFunction(ctx, js_json_parse, "__weft_json_parse", 1));
    JS_SetPropertyStr(ctx, global, "__weft_json_stringify", JS_NewCFunction(ctx, js_json_stringify, "__weft_json_stringify", 1));
    JSValue v = JS_Eval(ctx, weft_bundle, weft_bundle_len, "core.js", JS_EVAL_TYPE_GLOBAL);
    if (JS_IsException(v)) {
        JS_FreeValue(ctx, global);
        return -1;
    }
    JS_FreeValue(ctx, v);
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

    reseed();
    const char *nul = memchr(task, 0, (size_t)len);
    size_t doc_len = nul ? (size_t)(nul - task) : (size_t)len;
    cached = nul ? (const uint8_t *)nul + 1 : NULL;
    loaded_meta = NULL;
    cached_len = nul ? (size_t)len - doc_len - 1 : 0;
    /* the task as a value; JSON.parse gets what json_parse leaves */
    JSValue arg = json_parse_raw(ctx, task, doc_len, atom_context);
    if (JS_VALUE_GET_TAG(arg) == JS_TAG_UNINITIALIZED)
        arg = JS_NewStringLen(ctx, task, doc_len);
    kept_task = first;
    JSValue v = JS_Call(ctx, run_fn, JS_UNDEFINED, 1, &arg);
    if (kept_task)
        JS_FreeValue(ctx, arg);
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
        /* Every task starts from the snapshot taken after this call, so
         * garbage a task leaves is discarded with it: collect once now, and
         * let the collector run again only for tasks that allocate a lot. */
        JS_RunGC(rt);
        JSMemoryUsage mu;
        JS_ComputeMemoryUsage(rt, &mu);
        JS_SetGCThreshold(rt, (size_t)mu.malloc_size + GC_ALLOWANCE);
        void *reserve = malloc(HEADROOM);
        free(reserve);
        arena = malloc(ARENA_SIZE);
        if (arena) {
            arena_next = arena;
            arena_end = arena + ARENA_SIZE;
        }
    }
    return r;
}
