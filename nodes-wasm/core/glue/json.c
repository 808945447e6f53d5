/*
 * JSON to JavaScript values and back for the task and result documents:
 * the shapes they hold (plain objects, arrays, strings, numbers, booleans,
 * null) built and written directly, without the engine's general
 * JSON.parse / JSON.stringify machinery (a token per value, a property
 * added to a growing shape per key, a toJSON lookup per object).
 *
 * Whatever these functions do not handle exactly as the built-ins would
 * they decline (json_parse returns JS_UNINITIALIZED, json_stringify -1) and
 * the caller uses the built-in: syntax errors (so the error message is the
 * engine's), escapes of lone surrogates, numbers written with more than 63
 * characters, nesting deeper than JSON_MAX_DEPTH, and, when writing, any
 * object that is not a plain object or array with the standard prototype,
 * that has its own toJSON, or that holds a BigInt.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "qjs.h"

#define JSON_MAX_DEPTH 256

static JSClassID object_class, array_class;
/* the intrinsic Object.prototype and Array.prototype (whatever the global
 * Object and Array are made to be later), kept for the context's life */
static JSValue object_proto, array_proto;
static JSAtom atom_tojson;

void json_init(JSContext *ctx) {
    JSValue o = JS_NewObject(ctx), a = JS_NewArray(ctx);
    object_class = JS_GetClassID(o);
    array_class = JS_GetClassID(a);
    JS_FreeValue(ctx, o);
    JS_FreeValue(ctx, a);
    object_proto = JS_GetClassProto(ctx, object_class);
    array_proto = JS_GetClassProto(ctx, array_class);
    atom_tojson = JS_NewAtom(ctx, "toJSON");
}

int json_is_plain(JSContext *ctx, JSValueConst v) {
    if (!JS_IsObject(v) || JS_IsFunction(ctx, v))
        return 0;
    JSClassID cls = JS_GetClassID(v);
    if (cls != object_class && cls != array_class)
        return 0;
    JSValue proto = JS_GetPrototype(ctx, v);
    int standard = JS_VALUE_GET_PTR(proto) == JS_VALUE_GET_PTR(cls == array_class ? array_proto : object_proto) ||
                   (cls == object_class && JS_IsNull(proto));
    JS_FreeValue(ctx, proto);
    return standard;
}

/* ---- parsing ---------------------------------------------------------- */

typedef struct {
    JSContext *ctx;
    const char *p, *end;
    int depth;
    int failed;
    JSAtom raw; /* a top-level member kept as its JSON text (json_parse_raw) */
    char *buf; /* unescaped string contents */
    size_t cap;
} parser;

/* vec is a growable list of values (or atoms) that starts on the stack. */
typedef struct {
    JSValue *v;
    JSAtom *a;
    int n, cap;
    JSValue sv[16];
    JSAtom sa[16];
} vec;

static void vec_init(vec *x) {
    x->v = x->sv, x->a = x->sa;
    x->n = 0, x->cap = 16;
}

static int vec_push(vec *x, JSAtom atom, JSValue val) {
    if (x->n == x->cap) {
        int cap = x->cap * 2;
        JSValue *v = malloc(sizeof(JSValue) * cap);
        JSAtom *a = malloc(sizeof(JSAtom) * cap);
        if (!v || !a) {
            free(v);
            free(a);
            return -1;
        }
        memcpy(v, x->v, sizeof(JSValue) * x->n);
        memcpy(a, x->a, sizeof(JSAtom) * x->n);
        if (x->v != x->sv) {
            free(x->v);
            free(x->a);
        }
        x->v = v, x->a = a, x->cap = cap;
    }
    x->v[x->n] = val;
    x->a[x->n] = atom;
    x->n++;
    return 0;
}

/* vec_free frees what the list still owns: values when values, atoms when
 * atoms. */
static void vec_free(JSContext *ctx, vec *x, int values, int atoms) {
    for (int i = 0; i < x->n; i++) {
        if (values)
            JS_FreeValue(ctx, x->v[i]);
        if (atoms)
            JS_FreeAtom(ctx, x->a[i]);
    }
    if (x->v != x->sv) {
        free(x->v);
        free(x->a);
    }
}

static void skip_space(parser *ps) {
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\r' || *ps->p == '\t'))
        ps->p++;
}

static int reserve(parser *ps, size_t n) {
    if (n <= ps->cap)
        return 0;
    size_t cap = ps->cap ? ps->cap : 256;
    while (cap < n)
        cap *= 2;
    char *b = realloc(ps->buf, cap);
    if (!b)
        return -1;
    ps->buf = b, ps->cap = cap;
    return 0;
}

static int hex4(const char *p, uint32_t *out) {
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (uint32_t)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

/* scan_string reads the string at ps->p (its opening quote) and returns
 * its contents as UTF-8: in place when it has no escapes, else in ps->buf.
 * *ascii tells whether every byte is below 0x80. */
static int scan_string(parser *ps, const char **out, size_t *len, int *ascii) {
    const char *s = ++ps->p, *q = s, *end = ps->end;
    int a = 1;
    while (q < end) {
        unsigned char c = (unsigned char)*q;
        if (c == '"') {
            *out = s, *len = (size_t)(q - s), *ascii = a;
            ps->p = q + 1;
            return 0;
        }
        if (c == '\\')
            break;
        if (c < 0x20)
            return -1;
        a &= c < 0x80;
        q++;
    }
    if (q >= end)
        return -1;
    size_t n = (size_t)(q - s);
    if (reserve(ps, n + 8))
        return -1;
    memcpy(ps->buf, s, n);
    while (q < end) {
        unsigned char c = (unsigned char)*q;
        if (c == '"') {
            *out = ps->buf, *len = n, *ascii = a;
            ps->p = q + 1;
            return 0;
        }
        if (c < 0x20)
            return -1;
        if (reserve(ps, n + 8))
            return -1;
        if (c != '\\') {
            a &= c < 0x80;
            ps->buf[n++] = (char)c;
            q++;
            continue;
        }
        if (++q >= end)
            return -1;
        switch (*q++) {
        case '"': ps->buf[n++] = '"'; break;
        case '\\': ps->buf[n++] = '\\'; break;
        case '/': ps->buf[n++] = '/'; break;
        case 'b': ps->buf[n++] = '\b'; break;
        case 'f': ps->buf[n++] = '\f'; break;
        case 'n': ps->buf[n++] = '\n'; break;
        case 'r': ps->buf[n++] = '\r'; break;
        case 't': ps->buf[n++] = '\t'; break;
        case 'u': {
            uint32_t cp;
            if (end - q < 4 || hex4(q, &cp))
                return -1;
            q += 4;
            if (cp >= 0xd800 && cp <= 0xdbff) {
                uint32_t lo;
                /* a lone surrogate has no UTF-8 form: left to JSON.parse */
                if (end - q < 6 || q[0] != '\\' || q[1] != 'u' || hex4(q + 2, &lo) || lo < 0xdc00 || lo > 0xdfff)
                    return -1;
                q += 6;
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            } else if (cp >= 0xdc00 && cp <= 0xdfff) {
                return -1;
            }
            if (cp < 0x80) {
                ps->buf[n++] = (char)cp;
                break;
            }
            a = 0;
            if (cp < 0x800) {
                ps->buf[n++] = (char)(0xc0 | cp >> 6);
            } else if (cp < 0x10000) {
                ps->buf[n++] = (char)(0xe0 | cp >> 12);
                ps->buf[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
            } else {
                ps->buf[n++] = (char)(0xf0 | cp >> 18);
                ps->buf[n++] = (char)(0x80 | ((cp >> 12) & 0x3f));
                ps->buf[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
            }
            ps->buf[n++] = (char)(0x80 | (cp & 0x3f));
            break;
        }
        default:
            return -1;
        }
    }
    return -1;
}

static JSValue parse_value(parser *ps);

static JSValue fail(parser *ps) {
    ps->failed = 1;
    return JS_UNDEFINED;
}

static JSValue parse_number(parser *ps) {
    const char *s = ps->p, *q = s, *end = ps->end;
    int neg = 0, integer = 1;
    if (*q == '-')
        neg = 1, q++;
    if (q >= end)
        return fail(ps);
    if (*q == '0') {
        q++;
    } else if (*q >= '1' && *q <= '9') {
        while (q < end && *q >= '0' && *q <= '9')
            q++;
    } else {
        return fail(ps);
    }
    if (q < end && *q == '.') {
        integer = 0;
        if (++q >= end || *q < '0' || *q > '9')
            return fail(ps);
        while (q < end && *q >= '0' && *q <= '9')
            q++;
    }
    if (q < end && (*q == 'e' || *q == 'E')) {
        integer = 0;
        if (++q < end && (*q == '+' || *q == '-'))
            q++;
        if (q >= end || *q < '0' || *q > '9')
            return fail(ps);
        while (q < end && *q >= '0' && *q <= '9')
            q++;
    }
    size_t n = (size_t)(q - s);
    ps->p = q;
    if (integer && n - (size_t)neg <= 9) {
        int32_t v = 0;
        for (const char *d = s + neg; d < q; d++)
            v = v * 10 + (*d - '0');
        if (neg && v == 0)
            return JS_NewFloat64(ps->ctx, -0.0);
        return JS_NewInt32(ps->ctx, neg ? -v : v);
    }
    char tmp[64];
    if (n >= sizeof(tmp))
        return fail(ps);
    memcpy(tmp, s, n);
    tmp[n] = 0;
    return JS_NewNumber(ps->ctx, strtod(tmp, NULL));
}

/* raw_text returns the JSON text of the object or array at ps->p as a
 * string, finding its end by its brackets and strings alone: what is
 * inside is left for whoever parses the text. */
static JSValue raw_text(parser *ps) {
    const char *s = ps->p, *q = s, *end = ps->end;
    int depth = 0;
    unsigned high = 0;
    while (q < end) {
        char c = *q++;
        high |= (unsigned char)c;
        if (c == '"') {
            while (q < end && *q != '"') {
                high |= (unsigned char)*q;
                if (*q == '\\' && q + 1 < end)
                    high |= (unsigned char)*++q;
                q++;
            }
            if (q++ >= end)
                return fail(ps);
        } else if (c == '{' || c == '[') {
            depth++;
        } else if ((c == '}' || c == ']') && --depth == 0) {
            ps->p = q;
            JSValue v = high < 0x80 ? weft_new_ascii_string(ps->ctx, s, (size_t)(q - s)) : JS_NewStringLen(ps->ctx, s, (size_t)(q - s));
            return JS_IsException(v) ? fail(ps) : v;
        }
    }
    return fail(ps);
}

static JSValue parse_array(parser *ps) {
    JSContext *ctx = ps->ctx;
    vec items;
    vec_init(&items);
    ps->p++;
    skip_space(ps);
    if (ps->p < ps->end && *ps->p == ']') {
        ps->p++;
        return JS_NewArray(ctx);
    }
    for (;;) {
        JSValue v = parse_value(ps);
        if (ps->failed || vec_push(&items, 0, v)) {
            JS_FreeValue(ctx, v);
            break;
        }
        skip_space(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == ']') {
            ps->p++;
            JSValue arr = JS_NewArrayFrom(ctx, items.n, items.v);
            /* the array owns the values, unless it could not be made */
            vec_free(ctx, &items, JS_IsException(arr), 0);
            if (JS_IsException(arr))
                return fail(ps);
            return arr;
        }
        ps->failed = 1;
        break;
    }
    vec_free(ctx, &items, 1, 0);
    return JS_UNDEFINED;
}

/* keys[] keeps the atom of each ASCII key seen last in its slot (by a
 * hash of its bytes), so that the same key in the next object is found
 * by comparing its bytes instead of by the engine's atom look-up. What the
 * warm-up leaves here stays in the snapshot for every task. */
#define KEY_SLOTS 256
#define KEY_MAX 27
typedef struct {
    JSAtom atom;
    uint8_t len;
    char bytes[KEY_MAX];
} key_slot;
static key_slot keys[KEY_SLOTS];

static JSAtom key_atom(JSContext *ctx, const char *s, size_t n) {
    if (n == 0 || n > KEY_MAX)
        return JS_NewAtomLen(ctx, s, n);
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)s[i]) * 16777619u;
    key_slot *k = &keys[h % KEY_SLOTS];
    if (k->atom != JS_ATOM_NULL && k->len == n && memcmp(k->bytes, s, n) == 0)
        return JS_DupAtom(ctx, k->atom);
    JSAtom atom = JS_NewAtomLen(ctx, s, n);
    if (atom == JS_ATOM_NULL)
        return atom;
    if (k->atom != JS_ATOM_NULL)
        JS_FreeAtom(ctx, k->atom);
    k->atom = JS_DupAtom(ctx, atom);
    k->len = (uint8_t)n;
    memcpy(k->bytes, s, n);
    return atom;
}

/* Objects with the same keys, in the same order, share a shape, and a
 * task's documents repeat a few key lists (the task's, a node's, each
 * item's): shapes[] keeps the last shape seen for each hash of a key list,
 * so that the next object of those keys is made with it at once
 * (qjs.c) instead of by adding its properties one by one. Key lists of
 * more than SHAPE_KEYS keys are not kept. */
#define SHAPE_KEYS 16
#define SHAPE_SLOTS 64
static void *shapes[SHAPE_SLOTS];

static uint32_t atoms_hash(const JSAtom *a, int n) {
    uint32_t h = 2166136261u ^ (uint32_t)n;
    for (int i = 0; i < n; i++)
        h = (h ^ a[i]) * 16777619u;
    return h;
}

/* keep_shape keeps obj's shape in slot, when it is the plain shape of n
 * keys (a repeated key gives fewer properties, and is not kept). */
static void keep_shape(JSContext *ctx, uint32_t slot, JSValueConst obj, int n) {
    void *sh = weft_shape_of(ctx, obj, n);
    if (!sh)
        return;
    if (shapes[slot])
        weft_shape_free(ctx, shapes[slot]);
    shapes[slot] = sh;
}

static JSValue parse_object(parser *ps) {
    JSContext *ctx = ps->ctx;
    vec props;
    vec_init(&props);
    ps->p++;
    skip_space(ps);
    if (ps->p < ps->end && *ps->p == '}') {
        ps->p++;
        return JS_NewObject(ctx);
    }
    for (;;) {
        skip_space(ps);
        const char *s;
        size_t n;
        int ascii;
        if (ps->p >= ps->end || *ps->p != '"' || scan_string(ps, &s, &n, &ascii)) {
            ps->failed = 1;
            break;
        }
        JSAtom atom;
        if (ascii) {
            atom = key_atom(ctx, s, n);
        } else {
            /* JS_NewAtomLen's lookup compares bytes with Latin-1 atoms */
            JSValue str = JS_NewStringLen(ctx, s, n);
            atom = JS_IsException(str) ? JS_ATOM_NULL : JS_ValueToAtom(ctx, str);
            JS_FreeValue(ctx, str);
        }
        if (atom == JS_ATOM_NULL) {
            ps->failed = 1;
            break;
        }
        skip_space(ps);
        if (ps->p >= ps->end || *ps->p != ':') {
            JS_FreeAtom(ctx, atom);
            ps->failed = 1;
            break;
        }
        ps->p++;
        JSValue v;
        skip_space(ps);
        if (atom == ps->raw && ps->depth == 1 && ps->p < ps->end && (*ps->p == '{' || *ps->p == '['))
            v = raw_text(ps);
        else
            v = parse_value(ps);
        if (ps->failed || vec_push(&props, atom, v)) {
            JS_FreeAtom(ctx, atom);
            JS_FreeValue(ctx, v);
            ps->failed = 1;
            break;
        }
        skip_space(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == '}') {
            ps->p++;
            uint32_t slot = 0;
            if (props.n <= SHAPE_KEYS) {
                slot = atoms_hash(props.a, props.n) % SHAPE_SLOTS;
                void *sh = shapes[slot];
                if (sh && weft_shape_matches(sh, props.n, props.a)) {
                    JSValue obj = weft_object_with_shape(ctx, sh, props.v);
                    /* the object took the values, unless it could not be made */
                    vec_free(ctx, &props, JS_IsException(obj), 1);
                    return JS_IsException(obj) ? fail(ps) : obj;
                }
            }
            /* defined in order: a repeated key keeps its first place and
             * its last value, as with JSON.parse */
            JSValue obj = JS_NewObject(ctx);
            for (int i = 0; i < props.n; i++) {
                if (JS_IsException(obj))
                    JS_FreeValue(ctx, props.v[i]);
                else if (JS_DefinePropertyValue(ctx, obj, props.a[i], props.v[i], JS_PROP_C_W_E) < 0) {
                    JS_FreeValue(ctx, obj);
                    obj = JS_EXCEPTION;
                }
            }
            vec_free(ctx, &props, 0, 1); /* values now belong to obj */
            if (JS_IsException(obj))
                return fail(ps);
            if (props.n <= SHAPE_KEYS)
                keep_shape(ctx, slot, obj, props.n);
            return obj;
        }
        ps->failed = 1;
        break;
    }
    vec_free(ctx, &props, 1, 1);
    return JS_UNDEFINED;
}

static JSValue parse_value(parser *ps) {
    skip_space(ps);
    if (ps->p >= ps->end)
        return fail(ps);
    switch (*ps->p) {
    case '{':
    case '[': {
        if (++ps->depth > JSON_MAX_DEPTH)
            return fail(ps);
        JSValue v = *ps->p == '{' ? parse_object(ps) : parse_array(ps);
        ps->depth--;
        return v;
    }
    case '"': {
        const char *s;
        size_t n;
        int ascii;
        if (scan_string(ps, &s, &n, &ascii))
            return fail(ps);
        JSValue v = ascii ? weft_new_ascii_string(ps->ctx, s, n) : JS_NewStringLen(ps->ctx, s, n);
        return JS_IsException(v) ? fail(ps) : v;
    }
    case 't':
        if (ps->end - ps->p >= 4 && memcmp(ps->p, "true", 4) == 0) {
            ps->p += 4;
            return JS_TRUE;
        }
        return fail(ps);
    case 'f':
        if (ps->end - ps->p >= 5 && memcmp(ps->p, "false", 5) == 0) {
            ps->p += 5;
            return JS_FALSE;
        }
        return fail(ps);
    case 'n':
        if (ps->end - ps->p >= 4 && memcmp(ps->p, "null", 4) == 0) {
            ps->p += 4;
            return JS_NULL;
        }
        return fail(ps);
    default:
        return parse_number(ps);
    }
}

JSValue json_parse(JSContext *ctx, const char *text, size_t len) {
    return json_parse_raw(ctx, text, len, JS_ATOM_NULL);
}

JSValue json_parse_raw(JSContext *ctx, const char *text, size_t len, JSAtom raw) {
    parser ps = {.ctx = ctx, .p = text, .end = text + len, .raw = raw};
    JSValue v = parse_value(&ps);
    if (!ps.failed) {
        skip_space(&ps);
        if (ps.p != ps.end) {
            JS_FreeValue(ctx, v);
            ps.failed = 1;
        }
    }
    free(ps.buf);
    if (ps.failed) {
        /* an allocation that failed left an exception: the built-in
         * reports it again */
        JS_FreeValue(ctx, JS_GetException(ctx));
        return JS_UNINITIALIZED;
    }
    return v;
}

/* ---- writing ---------------------------------------------------------- */

static int put(json_buf *b, const char *s, size_t n) {
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->len + n)
            cap *= 2;
        char *p = realloc(b->data, cap);
        if (!p)
            return -1;
        b->data = p, b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    return 0;
}

/* put_int writes v in decimal, as JSON.stringify writes an integer: a
 * task's results hold many, and snprintf costs several times more. */
static int put_int(json_buf *b, int64_t v) {
    char tmp[24], *p = tmp + sizeof(tmp);
    uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    return put(b, p, (size_t)(tmp + sizeof(tmp) - p));
}

static int put_string(json_buf *b, const char *s, size_t n) {
    static const char hex[] = "0123456789abcdef";
    if (put(b, "\"", 1))
        return -1;
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        size_t k = 0;
        if (c == '"' || c == '\\') {
            esc[0] = '\\', esc[1] = (char)c, k = 2;
        } else if (c < 0x20) {
            esc[0] = '\\';
            switch (c) {
            case '\b': esc[1] = 'b', k = 2; break;
            case '\f': esc[1] = 'f', k = 2; break;
            case '\n': esc[1] = 'n', k = 2; break;
            case '\r': esc[1] = 'r', k = 2; break;
            case '\t': esc[1] = 't', k = 2; break;
            default:
                memcpy(esc + 1, "u00", 3);
                esc[4] = hex[c >> 4], esc[5] = hex[c & 15], k = 6;
            }
        } else if (c == 0xed && i + 2 < n && ((unsigned char)s[i + 1] & 0xe0) == 0xa0) {
            /* a lone surrogate, written as three bytes: escaped, as
             * JSON.stringify does */
            uint32_t u = 0xd000 | ((uint32_t)(s[i + 1] & 0x3f) << 6) | (uint32_t)(s[i + 2] & 0x3f);
            if (put(b, s + start, i - start))
                return -1;
            char e[6] = {'\\', 'u', hex[u >> 12], hex[(u >> 8) & 15], hex[(u >> 4) & 15], hex[u & 15]};
            if (put(b, e, 6))
                return -1;
            i += 2;
            start = i + 1;
            continue;
        } else {
            continue;
        }
        if (put(b, s + start, i - start) || put(b, esc, k))
            return -1;
        start = i + 1;
    }
    if (put(b, s + start, n - start))
        return -1;
    return put(b, "\"", 1);
}

static int put_js_string(JSContext *ctx, json_buf *b, JSValueConst v) {
    size_t n;
    const char *s = JS_ToCStringLen2(ctx, &n, v, false);
    if (!s)
        return -1;
    int r = put_string(b, s, n);
    JS_FreeCString(ctx, s);
    return r;
}

typedef struct {
    JSContext *ctx;
    json_buf *b;
    int depth;
} writer;

static int write_value(writer *w, JSValueConst v);

/* WRITE_ENTRIES bounds the keys of an object written from its properties
 * directly: each nesting level keeps that many on the stack. Objects with
 * more go through the engine's calls. */
#define WRITE_ENTRIES 32

/* write_entries writes an object from its entries (weft_plain_entries),
 * leaving out the keys whose values have no JSON form. */
static int write_entries(writer *w, const weft_entry *entries, int n) {
    JSContext *ctx = w->ctx;
    json_buf *b = w->b;
    if (put(b, "{", 1))
        return -1;
    int first = 1;
    for (int i = 0; i < n; i++) {
        size_t mark = b->len;
        if (!first && put(b, ",", 1))
            return -1;
        if (entries[i].key) {
            if (put_string(b, entries[i].key, entries[i].len))
                return -1;
        } else {
            JSValue key = JS_AtomToString(ctx, entries[i].atom);
            int bad = JS_IsException(key) || put_js_string(ctx, b, key);
            JS_FreeValue(ctx, key);
            if (bad)
                return -1;
        }
        if (put(b, ":", 1))
            return -1;
        int wr = write_value(w, entries[i].value);
        if (wr < 0)
            return -1;
        if (wr == 0)
            b->len = mark; /* left out, with its key */
        else
            first = 0;
    }
    return put(b, "}", 1) ? -1 : 1;
}

/* write_value writes v: 1 when written, 0 when v has no JSON form here
 * (undefined, a function, a symbol: left out of objects, null in arrays),
 * -1 when JSON.stringify must do it. */
static int write_value(writer *w, JSValueConst v) {
    JSContext *ctx = w->ctx;
    json_buf *b = w->b;
    switch (JS_VALUE_GET_NORM_TAG(v)) {
    case JS_TAG_INT:
        return put_int(b, JS_VALUE_GET_INT(v)) ? -1 : 1;
    case JS_TAG_FLOAT64: {
        double d = JS_VALUE_GET_FLOAT64(v);
        if (!isfinite(d))
            return put(b, "null", 4) ? -1 : 1;
        if (d == 0)
            return put(b, "0", 1) ? -1 : 1;
        if (d == trunc(d) && fabs(d) < 9007199254740992.0)
            return put_int(b, (int64_t)d) ? -1 : 1;
        size_t n;
        const char *digits = JS_ToCStringLen(ctx, &n, v);
        if (!digits)
            return -1;
        int r = put(b, digits, n);
        JS_FreeCString(ctx, digits);
        return r ? -1 : 1;
    }
    case JS_TAG_BOOL:
        return (JS_VALUE_GET_BOOL(v) ? put(b, "true", 4) : put(b, "false", 5)) ? -1 : 1;
    case JS_TAG_NULL:
        return put(b, "null", 4) ? -1 : 1;
    case JS_TAG_UNDEFINED:
    case JS_TAG_SYMBOL:
        return 0;
    case JS_TAG_STRING:
        return put_js_string(ctx, b, v) ? -1 : 1;
    case JS_TAG_OBJECT:
        break;
    default:
        return -1;
    }
    if (JS_IsFunction(ctx, v))
        return 0;
    if (w->depth >= JSON_MAX_DEPTH)
        return -1;
    /* plain objects and arrays read from inside the engine (qjs.c) */
    weft_entry entries[WRITE_ENTRIES];
    int n = weft_plain_entries(ctx, v, atom_tojson, entries, WRITE_ENTRIES);
    if (n >= 0) {
        w->depth++;
        int r = write_entries(w, entries, n);
        w->depth--;
        return r;
    }
    JSValue *values;
    int64_t count = weft_array_values(ctx, v, &values);
    if (count >= 0) {
        w->depth++;
        int r = put(b, "[", 1) ? -1 : 1;
        for (int64_t i = 0; i < count && r > 0; i++) {
            if (i > 0 && put(b, ",", 1)) {
                r = -1;
                break;
            }
            int wr = write_value(w, values[i]);
            if (wr < 0 || (wr == 0 && put(b, "null", 4)))
                r = -1;
        }
        if (r > 0 && put(b, "]", 1))
            r = -1;
        w->depth--;
        return r;
    }
    JSClassID cls = JS_GetClassID(v);
    if (!json_is_plain(ctx, v) || JS_GetOwnProperty(ctx, NULL, v, atom_tojson) != 0)
        return -1;
    w->depth++;
    int r = 1;
    if (cls == array_class) {
        int64_t len;
        if (JS_GetLength(ctx, v, &len) < 0 || put(b, "[", 1))
            return -1;
        for (int64_t i = 0; i < len && r > 0; i++) {
            if (i > 0 && put(b, ",", 1)) {
                r = -1;
                break;
            }
            JSValue e = JS_GetPropertyInt64(ctx, v, i);
            if (JS_IsException(e)) {
                r = -1;
                break;
            }
            int wr = write_value(w, e);
            JS_FreeValue(ctx, e);
            if (wr < 0)
                r = -1;
            else if (wr == 0 && put(b, "null", 4))
                r = -1;
        }
        if (r > 0 && put(b, "]", 1))
            r = -1;
    } else {
        JSPropertyEnum *tab;
        uint32_t n;
        if (JS_GetOwnPropertyNames(ctx, &tab, &n, v, JS_GPN_STRING_MASK | JS_GPN_ENUM_ONLY) < 0 || put(b, "{", 1))
            return -1;
        int first = 1;
        for (uint32_t i = 0; i < n && r > 0; i++) {
            JSValue e = JS_GetProperty(ctx, v, tab[i].atom);
            if (JS_IsException(e)) {
                r = -1;
                break;
            }
            size_t mark = b->len;
            JSValue key = JS_AtomToString(ctx, tab[i].atom);
            if (JS_IsException(key) || (!first && put(b, ",", 1)) || put_js_string(ctx, b, key) || put(b, ":", 1)) {
                JS_FreeValue(ctx, key);
                JS_FreeValue(ctx, e);
                r = -1;
                break;
            }
            JS_FreeValue(ctx, key);
            int wr = write_value(w, e);
            JS_FreeValue(ctx, e);
            if (wr < 0)
                r = -1;
            else if (wr == 0)
                b->len = mark; /* left out, with its key */
            else
                first = 0;
        }
        JS_FreePropertyEnum(ctx, tab, n);
        if (r > 0 && put(b, "}", 1))
            r = -1;
    }
    w->depth--;
    return r;
}

int json_stringify(JSContext *ctx, JSValueConst v, json_buf *b) {
    writer w = {.ctx = ctx, .b = b};
    int r = -1;
    /* a toJSON the prototypes inherit would apply to every value */
    if (JS_GetOwnProperty(ctx, NULL, object_proto, atom_tojson) == 0 &&
        JS_GetOwnProperty(ctx, NULL, array_proto, atom_tojson) == 0) {
        b->len = 0;
        r = write_value(&w, v) > 0 ? 0 : -1;
    }
    if (r < 0)
        JS_FreeValue(ctx, JS_GetException(ctx));
    return r;
}
