/* What qjs.c adds to QuickJS-ng for the reactor's JSON code (json.c). */
#ifndef WEFT_QJS_H
#define WEFT_QJS_H

#include "quickjs.h"

/* weft_shape_of returns a reference to the shape of obj when it is a plain
 * object of exactly count enumerable, writable, configurable data
 * properties, as JSON.parse makes them, or NULL. */
void *weft_shape_of(JSContext *ctx, JSValueConst obj, int count);

/* weft_shape_free drops a reference weft_shape_of returned. */
void weft_shape_free(JSContext *ctx, void *shape);

/* weft_shape_matches reports whether shape's properties are atoms, in
 * order. */
int weft_shape_matches(void *shape, int count, const JSAtom *atoms);

/* weft_object_with_shape makes a plain object of shape (from
 * weft_shape_of) whose properties hold values, which it takes. */
JSValue weft_object_with_shape(JSContext *ctx, void *shape, JSValue *values);

/* One property of a plain object, as weft_plain_entries lists it: key is
 * the name's bytes when it is ASCII (NULL otherwise: atom has it), value
 * the property's value, not duplicated. */
typedef struct {
    const char *key;
    uint32_t len;
    JSAtom atom;
    JSValue value;
} weft_entry;

/* weft_plain_entries lists the own enumerable string-keyed properties of
 * obj in the order JSON.stringify writes them, into out (at most max),
 * when obj is a plain object (the Object class, with Object.prototype or
 * no prototype) whose own properties are all data properties, none keyed
 * by an array index and none named tojson; it returns how many, or -1.
 * The values stay valid while obj is unchanged. */
int weft_plain_entries(JSContext *ctx, JSValueConst obj, JSAtom tojson, weft_entry *out, int max);

/* weft_array_values sets *values to the elements of obj and returns their
 * number, when obj is an array with Array.prototype whose elements are
 * stored in order without holes; else -1. */
int64_t weft_array_values(JSContext *ctx, JSValueConst obj, JSValue **values);

/* weft_new_ascii_string is JS_NewStringLen for bytes known to be ASCII,
 * without looking through them for UTF-8 sequences. */
JSValue weft_new_ascii_string(JSContext *ctx, const char *s, size_t n);

#endif
