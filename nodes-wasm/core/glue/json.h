/* JSON to JavaScript values and back for the core module's task and result
 * documents (json.c). */
#ifndef WEFT_JSON_H
#define WEFT_JSON_H

#include <stddef.h>

#include "quickjs.h"

typedef struct {
    char *data;
    size_t len, cap;
} json_buf;

/* json_init looks up what the functions below compare against. */
void json_init(JSContext *ctx);

/* json_is_plain reports whether v is plain data's object or array: the
 * Object or Array class with the intrinsic prototype (or none, for an
 * object), whatever the global Object and Array are made to be. */
int json_is_plain(JSContext *ctx, JSValueConst v);

/* json_parse returns the value of the JSON text, or JS_UNINITIALIZED when
 * JSON.parse must parse it (see json.c). */
JSValue json_parse(JSContext *ctx, const char *text, size_t len);

/* json_parse_raw is json_parse, except that the member named raw of a
 * top-level object, when it holds an object or array, is kept as its JSON
 * text (a string) instead, unparsed and unchecked beyond its brackets and
 * strings: for a part most readers never look at. */
JSValue json_parse_raw(JSContext *ctx, const char *text, size_t len, JSAtom raw);

/* json_stringify writes JSON.stringify(v) into b (replacing what it held)
 * and returns 0, or returns -1 when JSON.stringify must write it. */
int json_stringify(JSContext *ctx, JSValueConst v, json_buf *b);

#endif
