/*
 * QuickJS-ng, compiled as it comes (the pinned module's quickjs.c), in one
 * unit with the few helpers the reactor's JSON code needs from inside the
 * engine (json.c): making a plain object with a shape an earlier object
 * of the same keys already has, instead of adding its properties one by
 * one. Every property add looks up the shape's transition table and may
 * grow the property array; a task's documents repeat the same few key
 * lists, so those shapes are found once and reused.
 */
#include "quickjs.c"

#include "qjs.h"

void *weft_shape_of(JSContext *ctx, JSValueConst obj, int count) {
    (void)ctx;
    if (JS_VALUE_GET_TAG(obj) != JS_TAG_OBJECT)
        return NULL;
    JSObject *p = JS_VALUE_GET_OBJ(obj);
    JSShape *sh = p->shape;
    /* only what an object of count plain data properties, made by
     * JS_NewObject and defined in order, would have: a repeated key
     * leaves fewer properties than keys */
    if (p->class_id != JS_CLASS_OBJECT || p->is_exotic || !p->extensible || !sh->is_hashed ||
        sh->prop_count != count || sh->deleted_prop_count != 0 || sh->proto != JS_VALUE_GET_OBJ(ctx->class_proto[JS_CLASS_OBJECT]))
        return NULL;
    for (int i = 0; i < count; i++)
        if ((sh->prop[i].flags & (JS_PROP_TMASK | JS_PROP_C_W_E)) != JS_PROP_C_W_E)
            return NULL;
    return js_dup_shape(sh);
}

void weft_shape_free(JSContext *ctx, void *shape) {
    js_free_shape(ctx->rt, shape);
}

int weft_shape_matches(void *shape, int count, const JSAtom *atoms) {
    JSShape *sh = shape;
    if (sh->prop_count != count)
        return 0;
    for (int i = 0; i < count; i++)
        if (sh->prop[i].atom != atoms[i])
            return 0;
    return 1;
}

JSValue weft_object_with_shape(JSContext *ctx, void *shape, JSValue *values) {
    JSShape *sh = shape;
    JSValue obj = JS_NewObjectFromShape(ctx, js_dup_shape(sh), JS_CLASS_OBJECT);
    if (JS_IsException(obj))
        return obj;
    JSObject *p = JS_VALUE_GET_OBJ(obj);
    for (int i = 0; i < sh->prop_count; i++)
        p->prop[i].u.value = values[i];
    return obj;
}
