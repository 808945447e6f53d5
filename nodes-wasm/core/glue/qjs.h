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

#endif
