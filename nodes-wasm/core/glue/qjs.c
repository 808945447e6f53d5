/*
 * QuickJS-ng, compiled as it comes (the pinned module's quickjs.c), in one
 * unit with the few helpers the reactor needs from inside the engine
 * (qjs.h): making a plain object with a shape an earlier object of the
 * same keys already has, instead of adding its properties one by one
 * (every add looks up the shape's transitions and may grow the property
 * array, and a task's documents repeat a few key lists); reading a plain
 * object's properties and an array's elements where the engine keeps
 * them, for writing results; making a string known to be ASCII. None of
 * them runs JavaScript.
 */
#include "quickjs.c"

#include "qjs.h"

void *weft_shape_of(JSContext *ctx, JSValueConst obj, int count) {
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

int weft_plain_entries(JSContext *ctx, JSValueConst obj, JSAtom tojson, weft_entry *out, int max) {
    if (JS_VALUE_GET_TAG(obj) != JS_TAG_OBJECT)
        return -1;
    JSObject *p = JS_VALUE_GET_OBJ(obj);
    JSShape *sh = p->shape;
    if (p->class_id != JS_CLASS_OBJECT || p->is_exotic ||
        (sh->proto != NULL && sh->proto != JS_VALUE_GET_OBJ(ctx->class_proto[JS_CLASS_OBJECT])))
        return -1;
    JSRuntime *rt = ctx->rt;
    int n = 0;
    for (int i = 0; i < sh->prop_count; i++) {
        JSShapeProperty *pr = &sh->prop[i];
        JSAtom atom = pr->atom;
        if (atom == JS_ATOM_NULL)
            continue; /* deleted */
        /* a key that is an array index comes first in JSON.stringify's
         * order, wherever the shape has it */
        uint32_t idx;
        if (atom == tojson || (pr->flags & JS_PROP_TMASK) != JS_PROP_NORMAL || JS_AtomIsArrayIndex(ctx, &idx, atom))
            return -1;
        JSAtomStruct *s = rt->atom_array[atom];
        if (s->atom_type != JS_ATOM_TYPE_STRING || !(pr->flags & JS_PROP_ENUMERABLE))
            continue; /* symbols and hidden keys are not written */
        if (n == max)
            return -1;
        weft_entry *e = &out[n++];
        e->atom = atom;
        e->value = p->prop[i].u.value;
        e->key = NULL;
        if (!s->is_wide_char) {
            const uint8_t *k = str8(s);
            uint32_t len = s->len, ascii = 1;
            for (uint32_t j = 0; j < len; j++)
                ascii &= k[j] < 0x80;
            if (ascii)
                e->key = (const char *)k, e->len = len;
        }
    }
    return n;
}

int64_t weft_array_values(JSContext *ctx, JSValueConst obj, JSValue **values) {
    if (JS_VALUE_GET_TAG(obj) != JS_TAG_OBJECT)
        return -1;
    JSObject *p = JS_VALUE_GET_OBJ(obj);
    if (p->class_id != JS_CLASS_ARRAY || !p->fast_array || p->shape->proto != JS_VALUE_GET_OBJ(ctx->class_proto[JS_CLASS_ARRAY]))
        return -1;
    JSValue len = p->prop[0].u.value;
    if (JS_VALUE_GET_TAG(len) != JS_TAG_INT || (uint32_t)JS_VALUE_GET_INT(len) != p->u.array.count)
        return -1;
    *values = p->u.array.u.values;
    return p->u.array.count;
}

JSValue weft_new_ascii_string(JSContext *ctx, const char *s, size_t n) {
    if (n == 0 || n > JS_STRING_LEN_MAX)
        return JS_NewStringLen(ctx, s, n);
    return js_new_string8_len(ctx, s, (int)n);
}
