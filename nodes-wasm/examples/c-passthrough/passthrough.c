/*
 * passthrough: a Weft node in plain C, built as a WASI command.
 *
 * It reads the task document from stdin, finds the top-level "inputs"
 * member and writes {"outputs":<inputs>} to stdout, copying the array byte
 * for byte. The whole document is checked against the JSON grammar on the
 * way (bytes inside strings are not checked for valid UTF-8). A malformed
 * task yields an error result, still with exit status 0.
 *
 *   clang --target=wasm32-wasi --sysroot=/usr -O2 passthrough.c -o passthrough.wasm
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 10000

static const char *end; /* one past the last byte of the document */

static const char *ws(const char *p) {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

static int hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* The value of the four hex digits at p, which have been checked. */
static unsigned hex4(const char *p) {
    unsigned v = 0;
    for (int i = 0; i < 4; i++)
        v = v * 16 + (unsigned)(p[i] <= '9' ? p[i] - '0' : (p[i] | 0x20) - 'a' + 10);
    return v;
}

/* Skips the string starting at the quote at p; returns the byte after its
 * closing quote, or NULL if it is malformed. */
static const char *skip_string(const char *p) {
    if (p >= end || *p != '"')
        return NULL;
    for (p++; p < end; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '"')
            return p + 1;
        if (c < 0x20)
            return NULL;
        if (c == '\\') {
            if (++p >= end)
                return NULL;
            if (*p == 'u') {
                if (end - p < 5 || !hex(p[1]) || !hex(p[2]) || !hex(p[3]) || !hex(p[4]))
                    return NULL;
                p += 4;
            } else if (*p == '\0' || !strchr("\"\\/bfnrt", *p)) {
                return NULL;
            }
        }
    }
    return NULL;
}

static const char *skip_digits(const char *p) {
    const char *start = p;
    while (p < end && *p >= '0' && *p <= '9')
        p++;
    return p > start ? p : NULL;
}

/* Skips a number, true, false or null. */
static const char *skip_scalar(const char *p) {
    static const char *const words[] = {"true", "false", "null"};
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(words[i]);
        if ((size_t)(end - p) >= n && memcmp(p, words[i], n) == 0)
            return p + n;
    }
    if (p < end && *p == '-')
        p++;
    if (p < end && *p == '0')
        p++;
    else if (!(p = skip_digits(p)))
        return NULL;
    if (p < end && *p == '.' && !(p = skip_digits(p + 1)))
        return NULL;
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (!(p = skip_digits(p)))
            return NULL;
    }
    return p;
}

/* Skips one value of any kind, without recursion: open holds the brackets
 * of the arrays and objects we are inside. Returns NULL if it is
 * malformed. */
static const char *skip_value(const char *p) {
    static char open[MAX_DEPTH];
    int depth = 0;
    for (;;) {
        p = ws(p);
        if (p >= end)
            return NULL;
        if (*p == '[' || *p == '{') {
            if (depth == MAX_DEPTH)
                return NULL;
            open[depth++] = *p;
            p = ws(p + 1);
            if (p < end && *p == (open[depth - 1] == '[' ? ']' : '}')) {
                depth--;
                p++;
            } else if (open[depth - 1] == '{') {
                goto key;
            } else {
                continue; /* first element */
            }
        } else if (*p == '"') {
            p = skip_string(p);
        } else {
            p = skip_scalar(p);
        }
        if (!p)
            return NULL;
        /* A value has ended: close containers or move to the next element. */
        for (;;) {
            if (depth == 0)
                return p;
            p = ws(p);
            if (p >= end)
                return NULL;
            char close = open[depth - 1] == '[' ? ']' : '}';
            if (*p == close) {
                depth--;
                p++;
                continue;
            }
            if (*p != ',')
                return NULL;
            p = ws(p + 1);
            if (open[depth - 1] == '{')
                goto key;
            break;
        }
        continue;
    key: /* an object member's key and colon, then its value */
        if (!(p = skip_string(p)))
            return NULL;
        p = ws(p);
        if (p >= end || *p != ':')
            return NULL;
        p++;
    }
}

/* Reports whether the (well-formed) string literal [p, q) spells key,
 * decoding escapes. */
static int key_is(const char *p, const char *q, const char *key) {
    for (p++, q--; p < q; p++, key++) {
        char c = *p;
        if (c == '\\') {
            p++;
            if (*p == 'u') {
                unsigned v = hex4(p + 1);
                if (v >= 0x80)
                    return 0; /* key is ASCII */
                c = (char)v;
                p += 4;
            } else {
                c = *p == 'b' ? '\b' : *p == 'f' ? '\f' : *p == 'n' ? '\n' : *p == 'r' ? '\r' : *p == 't' ? '\t' : *p;
            }
        }
        if (*key == '\0' || c != *key)
            return 0;
    }
    return *key == '\0';
}

static int fail(const char *msg, const char *buf, const char *at) {
    printf("{\"outputs\":[],\"error\":{\"message\":\"passthrough: %s", msg);
    if (at)
        printf(" at byte %ld", (long)(at - buf));
    printf("\"}}");
    fprintf(stderr, "passthrough: %s\n", msg);
    return 0;
}

int main(void) {
    size_t len = 0, cap = 1 << 16;
    char *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len, stdin)) > 0) {
        len += n;
        if (len == cap)
            buf = realloc(buf, cap *= 2);
    }
    if (!buf || ferror(stdin))
        return fail("cannot read the task from stdin", NULL, NULL);
    end = buf + len;

    const char *inputs = NULL, *inputs_end = NULL;
    const char *p = ws(buf);
    if (p >= end || *p != '{')
        return fail("malformed task: want an object", buf, p);
    p = ws(p + 1);
    if (p < end && *p == '}')
        p++;
    else
        for (;;) {
            const char *key = p, *value;
            if (!(p = skip_string(p)))
                return fail("malformed task: bad member name", buf, key);
            int is_inputs = key_is(key, p, "inputs");
            p = ws(p);
            if (p >= end || *p != ':')
                return fail("malformed task: want ':'", buf, p);
            value = ws(p + 1);
            if (!(p = skip_value(value)))
                return fail("malformed task: bad value", buf, value);
            if (is_inputs) {
                if (*value != '[')
                    return fail("malformed task: inputs is not an array", buf, value);
                inputs = value;
                inputs_end = p;
            }
            p = ws(p);
            if (p < end && *p == ',') {
                p = ws(p + 1);
                continue;
            }
            if (p < end && *p == '}') {
                p++;
                break;
            }
            return fail("malformed task: want ',' or '}'", buf, p);
        }
    if (ws(p) != end)
        return fail("malformed task: data after the document", buf, ws(p));
    if (!inputs)
        return fail("malformed task: no inputs array", NULL, NULL);

    fputs("{\"outputs\":", stdout);
    fwrite(inputs, 1, (size_t)(inputs_end - inputs), stdout);
    fputs("}", stdout);
    fprintf(stderr, "passthrough: copied %ld bytes\n", (long)(inputs_end - inputs));
    return 0;
}
