/*
 * jsonschema.c - the JSON Schema validator of jsonschema.h.
 *
 * Two passes: bn_schema_compile walks the whole schema once and refuses anything it does
 * not implement (so no keyword is ever silently ignored), compiling each pattern; then
 * bn_schema_validate walks schema and instance together.  Applicators that only ask "does
 * it match?" (anyOf, oneOf, not, if) validate silently and report one summary error.
 */
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch/dispatch.h"
#include "harness/common/jsonschema.h"

#define META_SCHEMA "https://json-schema.org/draft/2020-12/schema"
#define MAX_DEPTH 200 /* nesting of schema applications: stops $ref cycles */

typedef struct compiled_pattern {
    const json_t *node; /* the "pattern" string node in the schema document */
    regex_t re;
} compiled_pattern;

struct bn_schema {
    json_t *doc;
    compiled_pattern *patterns;
    size_t pattern_count, pattern_cap;
};

/* ---------------------------------------------------------------- helpers */

/* A JSON pointer under construction: segments appended and removed as we descend. */
typedef struct pointer {
    char text[1024];
    size_t len;
} pointer;

static size_t ptr_push(pointer *p, const char *segment)
{
    size_t old = p->len;
    if (p->len + 1 < sizeof p->text) p->text[p->len++] = '/';
    for (const char *c = segment; *c && p->len + 2 < sizeof p->text; c++) {
        if (*c == '~' || *c == '/') {
            p->text[p->len++] = '~';
            p->text[p->len++] = *c == '~' ? '0' : '1';
        } else {
            p->text[p->len++] = *c;
        }
    }
    p->text[p->len] = '\0';
    return old;
}

static size_t ptr_push_index(pointer *p, size_t i)
{
    char num[32];
    snprintf(num, sizeof num, "%zu", i);
    return ptr_push(p, num);
}

static void ptr_pop(pointer *p, size_t old)
{
    p->len = old;
    p->text[old] = '\0';
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "object";
    case JSON_ARRAY: return "array";
    case JSON_STRING: return "string";
    case JSON_INTEGER: return "integer";
    case JSON_REAL: return "number";
    case JSON_TRUE:
    case JSON_FALSE: return "boolean";
    case JSON_NULL: return "null";
    }
    return "?";
}

static bool has_type(const json_t *v, const char *name)
{
    if (strcmp(name, "number") == 0) return json_is_number(v);
    return strcmp(name, type_name(v)) == 0;
}

/* A value as compact JSON text, cut to fit `size`. */
static void show(const json_t *v, char *buf, size_t size)
{
    char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
    if (!text) {
        snprintf(buf, size, "(value)");
        return;
    }
    if (strlen(text) >= size && size > 4) {
        memcpy(buf, text, size - 4);
        memcpy(buf + size - 4, "...", 4);
    } else {
        snprintf(buf, size, "%s", text);
    }
    free(text);
}

/* -1, 0, 1 as a < b, a == b, a > b for two JSON numbers (integers compared exactly). */
static int num_cmp(const json_t *a, const json_t *b)
{
    if (json_is_integer(a) && json_is_integer(b)) {
        json_int_t x = json_integer_value(a), y = json_integer_value(b);
        return x < y ? -1 : x > y;
    }
    long double x = json_is_integer(a) ? (long double)json_integer_value(a) : (long double)json_real_value(a);
    long double y = json_is_integer(b) ? (long double)json_integer_value(b) : (long double)json_real_value(b);
    return x < y ? -1 : x > y;
}

/* JSON equality as the spec defines it: numbers by value (1 == 1.0), objects by keys. */
static bool json_same(const json_t *a, const json_t *b)
{
    if (json_is_number(a) && json_is_number(b)) return num_cmp(a, b) == 0;
    if (json_typeof(a) != json_typeof(b)) return false;
    if (json_is_array(a)) {
        if (json_array_size(a) != json_array_size(b)) return false;
        for (size_t i = 0; i < json_array_size(a); i++)
            if (!json_same(json_array_get(a, i), json_array_get(b, i))) return false;
        return true;
    }
    if (json_is_object(a)) {
        if (json_object_size(a) != json_object_size(b)) return false;
        const char *key;
        json_t *value;
        json_object_foreach((json_t *)a, key, value)
        {
            const json_t *other = json_object_get(b, key);
            if (!other || !json_same(value, other)) return false;
        }
        return true;
    }
    return json_equal((json_t *)a, (json_t *)b);
}

/* Length of a UTF-8 string in code points (jansson has validated the encoding). */
static size_t utf8_length(const char *s, size_t bytes)
{
    size_t n = 0;
    for (size_t i = 0; i < bytes; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) n++;
    return n;
}

/* Resolve a local reference "#" or "#/a/b~1c" against the document. */
static const json_t *resolve_ref(const json_t *doc, const char *ref)
{
    if (ref[0] != '#') return NULL;
    const json_t *node = doc;
    const char *p = ref + 1;
    if (*p == '\0') return node;
    if (*p != '/') return NULL;
    while (node && *p == '/') {
        p++;
        char segment[256];
        size_t n = 0;
        for (; *p && *p != '/'; p++) {
            char c = *p;
            if (c == '~') {
                if (p[1] != '0' && p[1] != '1') return NULL;
                c = p[1] == '0' ? '~' : '/';
                p++;
            }
            if (n + 1 >= sizeof segment) return NULL;
            segment[n++] = c;
        }
        segment[n] = '\0';
        if (json_is_object(node)) {
            node = json_object_get(node, segment);
        } else if (json_is_array(node)) {
            char *end;
            unsigned long i = strtoul(segment, &end, 10);
            node = (*segment && *end == '\0') ? json_array_get(node, i) : NULL;
        } else {
            node = NULL;
        }
    }
    return node;
}

/* ---------------------------------------------------------------- compiling */

typedef struct compiler {
    bn_schema *schema;
    const char *name;
    pointer where; /* location in the schema document */
} compiler;

static bn_status bad(compiler *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bn_status bad(compiler *c, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return bn_fail(BN_E_FORMAT, "schema %s: at #%s: %s", c->name, c->where.text, msg);
}

/* Refuse pattern syntax on which ECMA-262 and POSIX ERE disagree (see jsonschema.h). */
static bn_status check_pattern_subset(compiler *c, const char *pat)
{
    bool in_bracket = false;
    for (size_t i = 0; pat[i]; i++) {
        char ch = pat[i];
        if (in_bracket) {
            if (ch == '\\')
                return bad(c, "pattern '%s': backslash inside [...] differs between dialects", pat);
            if (ch == '[' && pat[i + 1] && strchr(":.=", pat[i + 1]))
                return bad(c, "pattern '%s': [: [. [= inside [...] are POSIX-only (spell the set out)", pat);
            if (ch == ']') in_bracket = false;
            continue;
        }
        if (ch == '[') {
            in_bracket = true;
            if (pat[i + 1] == '^') i++;
            if (pat[i + 1] == ']') i++; /* a leading ] is literal */
            continue;
        }
        if (ch == '\\') {
            char next = pat[i + 1];
            if (!next || !strchr(".[]{}()*+?^$|\\/-", next))
                return bad(c, "pattern '%s': escape \\%c is not in the supported subset (use [0-9], ...)",
                           pat, next ? next : '0');
            i++;
            continue;
        }
        if (ch == '(' && pat[i + 1] == '?')
            return bad(c, "pattern '%s': (? groups (lookaround, non-capturing) are not POSIX", pat);
        if (strchr("*+?}", ch) && (pat[i + 1] == '?' || pat[i + 1] == '+') && i > 0)
            return bad(c, "pattern '%s': lazy or possessive quantifiers are not POSIX", pat);
    }
    if (in_bracket) return bad(c, "pattern '%s': unterminated [...]", pat);
    return BN_OK;
}

static bn_status add_pattern(compiler *c, const json_t *node)
{
    const char *pat = json_string_value(node);
    bn_status st = check_pattern_subset(c, pat);
    if (st != BN_OK) return st;
    bn_schema *s = c->schema;
    if (s->pattern_count == s->pattern_cap) {
        size_t cap = s->pattern_cap ? 2 * s->pattern_cap : 16;
        compiled_pattern *grown = realloc(s->patterns, cap * sizeof *grown);
        if (!grown) return bn_fail(BN_E_NO_MEMORY, "schema %s: out of memory", c->name);
        s->patterns = grown;
        s->pattern_cap = cap;
    }
    compiled_pattern *p = &s->patterns[s->pattern_count];
    int err = regcomp(&p->re, pat, REG_EXTENDED | REG_NOSUB);
    if (err) {
        char msg[128];
        regerror(err, &p->re, msg, sizeof msg);
        return bad(c, "pattern '%s' does not compile: %s", pat, msg);
    }
    p->node = node;
    s->pattern_count++;
    return BN_OK;
}

static bn_status compile_node(compiler *c, const json_t *node, bool root);

static bn_status compile_child(compiler *c, const char *segment, const json_t *node)
{
    size_t mark = ptr_push(&c->where, segment);
    bn_status st = compile_node(c, node, false);
    ptr_pop(&c->where, mark);
    return st;
}

static bn_status compile_schema_array(compiler *c, const char *key, const json_t *v)
{
    if (!json_is_array(v) || json_array_size(v) == 0)
        return bad(c, "%s must be a non-empty array of schemas", key);
    size_t mark = ptr_push(&c->where, key);
    for (size_t i = 0; i < json_array_size(v); i++) {
        size_t m2 = ptr_push_index(&c->where, i);
        bn_status st = compile_node(c, json_array_get(v, i), false);
        ptr_pop(&c->where, m2);
        if (st != BN_OK) return st;
    }
    ptr_pop(&c->where, mark);
    return BN_OK;
}

static bn_status compile_schema_map(compiler *c, const char *key, const json_t *v)
{
    if (!json_is_object(v)) return bad(c, "%s must be an object of schemas", key);
    size_t mark = ptr_push(&c->where, key);
    const char *name;
    json_t *sub;
    json_object_foreach((json_t *)v, name, sub)
    {
        bn_status st = compile_child(c, name, sub);
        if (st != BN_OK) return st;
    }
    ptr_pop(&c->where, mark);
    return BN_OK;
}

static bool is_type_name(const char *s)
{
    static const char *const names[] = {"null", "boolean", "object", "array", "number", "string", "integer"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i]) == 0) return true;
    return false;
}

static bool is_count(const json_t *v) { return json_is_integer(v) && json_integer_value(v) >= 0; }

static bool unique_strings(const json_t *arr)
{
    for (size_t i = 0; i < json_array_size(arr); i++) {
        if (!json_is_string(json_array_get(arr, i))) return false;
        for (size_t j = 0; j < i; j++)
            if (json_equal(json_array_get(arr, i), json_array_get(arr, j))) return false;
    }
    return true;
}

static bn_status compile_keyword(compiler *c, const json_t *schema, const char *key, const json_t *v,
                                 bool root)
{
    if (strcmp(key, "$schema") == 0) {
        if (!root) return bad(c, "$schema is only allowed at the root");
        if (!json_is_string(v) || strcmp(json_string_value(v), META_SCHEMA) != 0)
            return bad(c, "$schema must be \"%s\"", META_SCHEMA);
    } else if (strcmp(key, "$id") == 0) {
        if (!root) return bad(c, "$id is only supported at the root (no re-based references)");
        if (!json_is_string(v)) return bad(c, "$id must be a string");
    } else if (strcmp(key, "$ref") == 0) {
        if (!json_is_string(v)) return bad(c, "$ref must be a string");
        if (!resolve_ref(c->schema->doc, json_string_value(v)))
            return bad(c, "$ref \"%s\" does not resolve to a local schema (\"#/...\")", json_string_value(v));
    } else if (strcmp(key, "$defs") == 0 || strcmp(key, "properties") == 0) {
        return compile_schema_map(c, key, v);
    } else if (strcmp(key, "$comment") == 0 || strcmp(key, "title") == 0 || strcmp(key, "description") == 0) {
        if (!json_is_string(v)) return bad(c, "%s must be a string", key);
    } else if (strcmp(key, "type") == 0) {
        if (json_is_string(v)) {
            if (!is_type_name(json_string_value(v)))
                return bad(c, "unknown type \"%s\"", json_string_value(v));
        } else if (json_is_array(v) && json_array_size(v) > 0 && unique_strings(v)) {
            for (size_t i = 0; i < json_array_size(v); i++)
                if (!is_type_name(json_string_value(json_array_get(v, i))))
                    return bad(c, "unknown type \"%s\"", json_string_value(json_array_get(v, i)));
        } else {
            return bad(c, "type must be a type name or a non-empty array of distinct type names");
        }
    } else if (strcmp(key, "enum") == 0) {
        if (!json_is_array(v) || json_array_size(v) == 0) return bad(c, "enum must be a non-empty array");
    } else if (strcmp(key, "const") == 0) {
        /* any value */
    } else if (strcmp(key, "required") == 0) {
        if (!json_is_array(v) || !unique_strings(v))
            return bad(c, "required must be an array of distinct strings");
    } else if (strcmp(key, "additionalProperties") == 0 || strcmp(key, "items") == 0 ||
               strcmp(key, "not") == 0 || strcmp(key, "if") == 0) {
        return compile_child(c, key, v);
    } else if (strcmp(key, "then") == 0 || strcmp(key, "else") == 0) {
        if (!json_object_get(schema, "if")) return bad(c, "%s without if", key);
        return compile_child(c, key, v);
    } else if (strcmp(key, "minItems") == 0 || strcmp(key, "maxItems") == 0 ||
               strcmp(key, "minLength") == 0 || strcmp(key, "maxLength") == 0) {
        if (!is_count(v)) return bad(c, "%s must be a non-negative integer", key);
    } else if (strcmp(key, "uniqueItems") == 0) {
        if (!json_is_boolean(v)) return bad(c, "uniqueItems must be a boolean");
    } else if (strcmp(key, "minimum") == 0 || strcmp(key, "maximum") == 0 ||
               strcmp(key, "exclusiveMinimum") == 0 || strcmp(key, "exclusiveMaximum") == 0) {
        if (!json_is_number(v)) return bad(c, "%s must be a number", key);
    } else if (strcmp(key, "pattern") == 0) {
        if (!json_is_string(v)) return bad(c, "pattern must be a string");
        return add_pattern(c, v);
    } else if (strcmp(key, "allOf") == 0 || strcmp(key, "anyOf") == 0 || strcmp(key, "oneOf") == 0) {
        return compile_schema_array(c, key, v);
    } else {
        return bad(c, "unknown or unsupported keyword \"%s\" (see harness/common/jsonschema.h)", key);
    }
    return BN_OK;
}

static bn_status compile_node(compiler *c, const json_t *node, bool root)
{
    if (json_is_boolean(node)) return BN_OK;
    if (!json_is_object(node))
        return bad(c, "a schema must be an object or a boolean, found %s", type_name(node));
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)node, key, v)
    {
        bn_status st = compile_keyword(c, node, key, v, root);
        if (st != BN_OK) return st;
    }
    return BN_OK;
}

void bn_schema_free(bn_schema *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->pattern_count; i++) regfree(&s->patterns[i].re);
    free(s->patterns);
    json_decref(s->doc);
    free(s);
}

bn_status bn_schema_compile(json_t *doc, const char *name, bn_schema **out)
{
    *out = NULL;
    bn_schema *s = calloc(1, sizeof *s);
    if (!s) return bn_fail(BN_E_NO_MEMORY, "schema %s: out of memory", name);
    s->doc = json_incref(doc);
    compiler c = {s, name, {{0}, 0}};
    bn_status st = compile_node(&c, doc, true);
    if (st != BN_OK) {
        bn_schema_free(s);
        return st;
    }
    *out = s;
    return BN_OK;
}

bn_status bn_schema_load(const char *path, bn_schema **out)
{
    json_error_t err;
    json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
    if (!doc && err.line > 0)
        return bn_fail(BN_E_IO, "schema %s: line %d column %d: %s", path, err.line, err.column, err.text);
    if (!doc) return bn_fail(BN_E_IO, "schema: %s", err.text);
    bn_status st = bn_schema_compile(doc, path, out);
    json_decref(doc);
    return st;
}

/* ---------------------------------------------------------------- validating */

typedef struct validator {
    const bn_schema *schema;
    bn_schema_report_fn *report; /* NULL: count errors silently */
    void *ctx;
    pointer path; /* location in the instance */
    size_t errors;
    int depth;
} validator;

static void error(validator *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void error(validator *v, const char *fmt, ...)
{
    v->errors++;
    if (!v->report) return;
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    v->report(v->ctx, v->path.text, msg);
}

static void validate_node(validator *v, const json_t *schema, const json_t *inst);

/* Does inst match schema?  (Silent: errors are counted in a scratch validator.) */
static bool matches(validator *v, const json_t *schema, const json_t *inst)
{
    validator quiet = {v->schema, NULL, NULL, v->path, 0, v->depth};
    validate_node(&quiet, schema, inst);
    return quiet.errors == 0;
}

static const regex_t *pattern_of(const bn_schema *s, const json_t *node)
{
    for (size_t i = 0; i < s->pattern_count; i++)
        if (s->patterns[i].node == node) return &s->patterns[i].re;
    return NULL;
}

static void check_type(validator *v, const json_t *type, const json_t *inst)
{
    char want[160] = "";
    if (json_is_string(type)) {
        if (has_type(inst, json_string_value(type))) return;
        snprintf(want, sizeof want, "%s", json_string_value(type));
    } else {
        size_t len = 0;
        for (size_t i = 0; i < json_array_size(type); i++) {
            const char *name = json_string_value(json_array_get(type, i));
            if (has_type(inst, name)) return;
            len += (size_t)snprintf(want + len, len < sizeof want ? sizeof want - len : 0, "%s%s",
                                    i ? " or " : "", name);
            if (len >= sizeof want) len = sizeof want - 1;
        }
    }
    error(v, "expected %s, found %s", want, type_name(inst));
}

static void check_object(validator *v, const json_t *schema, const json_t *inst)
{
    const json_t *required = json_object_get(schema, "required");
    for (size_t i = 0; i < json_array_size(required); i++) {
        const char *name = json_string_value(json_array_get(required, i));
        if (!json_object_get(inst, name)) error(v, "missing required property \"%s\"", name);
    }
    const json_t *props = json_object_get(schema, "properties");
    const json_t *extra = json_object_get(schema, "additionalProperties");
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)inst, key, value)
    {
        const json_t *sub = props ? json_object_get(props, key) : NULL;
        if (!sub && !extra) continue;
        size_t mark = ptr_push(&v->path, key);
        if (!sub && json_is_false(extra))
            error(v, "property \"%s\" is not allowed here", key);
        else
            validate_node(v, sub ? sub : extra, value);
        ptr_pop(&v->path, mark);
    }
}

static void check_array(validator *v, const json_t *schema, const json_t *inst)
{
    size_t n = json_array_size(inst);
    const json_t *lim;
    if ((lim = json_object_get(schema, "minItems")) && n < (size_t)json_integer_value(lim))
        error(v, "array has %zu items, fewer than minItems %" JSON_INTEGER_FORMAT, n,
              json_integer_value(lim));
    if ((lim = json_object_get(schema, "maxItems")) && n > (size_t)json_integer_value(lim))
        error(v, "array has %zu items, more than maxItems %" JSON_INTEGER_FORMAT, n, json_integer_value(lim));
    if (json_is_true(json_object_get(schema, "uniqueItems")))
        for (size_t i = 1; i < n; i++)
            for (size_t j = 0; j < i; j++)
                if (json_same(json_array_get(inst, i), json_array_get(inst, j))) {
                    error(v, "items %zu and %zu are equal (uniqueItems)", j, i);
                    i = n;
                    break;
                }
    const json_t *items = json_object_get(schema, "items");
    if (!items) return;
    for (size_t i = 0; i < n; i++) {
        size_t mark = ptr_push_index(&v->path, i);
        validate_node(v, items, json_array_get(inst, i));
        ptr_pop(&v->path, mark);
    }
}

static void check_number(validator *v, const json_t *schema, const json_t *inst)
{
    char a[64], b[64];
    const json_t *lim;
    show(inst, a, sizeof a);
    if ((lim = json_object_get(schema, "minimum")) && num_cmp(inst, lim) < 0)
        show(lim, b, sizeof b), error(v, "%s is less than the minimum %s", a, b);
    if ((lim = json_object_get(schema, "maximum")) && num_cmp(inst, lim) > 0)
        show(lim, b, sizeof b), error(v, "%s is greater than the maximum %s", a, b);
    if ((lim = json_object_get(schema, "exclusiveMinimum")) && num_cmp(inst, lim) <= 0)
        show(lim, b, sizeof b), error(v, "%s is not greater than %s (exclusiveMinimum)", a, b);
    if ((lim = json_object_get(schema, "exclusiveMaximum")) && num_cmp(inst, lim) >= 0)
        show(lim, b, sizeof b), error(v, "%s is not less than %s (exclusiveMaximum)", a, b);
}

static void check_string(validator *v, const json_t *schema, const json_t *inst)
{
    size_t n = utf8_length(json_string_value(inst), json_string_length(inst));
    char a[96];
    const json_t *lim;
    show(inst, a, sizeof a);
    if ((lim = json_object_get(schema, "minLength")) && n < (size_t)json_integer_value(lim))
        error(v, "string %s is shorter than minLength %" JSON_INTEGER_FORMAT, a, json_integer_value(lim));
    if ((lim = json_object_get(schema, "maxLength")) && n > (size_t)json_integer_value(lim))
        error(v, "string %s is longer than maxLength %" JSON_INTEGER_FORMAT, a, json_integer_value(lim));
    const json_t *pat = json_object_get(schema, "pattern");
    if (pat) {
        const regex_t *re = pattern_of(v->schema, pat);
        if (!re || regexec(re, json_string_value(inst), 0, NULL, 0) != 0)
            error(v, "string %s does not match the pattern %s", a, json_string_value(pat));
    }
}

static void check_applicators(validator *v, const json_t *schema, const json_t *inst)
{
    const json_t *list;
    if ((list = json_object_get(schema, "allOf")))
        for (size_t i = 0; i < json_array_size(list); i++) validate_node(v, json_array_get(list, i), inst);
    if ((list = json_object_get(schema, "anyOf"))) {
        bool any = false;
        for (size_t i = 0; i < json_array_size(list) && !any; i++)
            any = matches(v, json_array_get(list, i), inst);
        if (!any) error(v, "matches none of the %zu alternatives of anyOf", json_array_size(list));
    }
    if ((list = json_object_get(schema, "oneOf"))) {
        size_t count = 0;
        for (size_t i = 0; i < json_array_size(list); i++) count += matches(v, json_array_get(list, i), inst);
        if (count != 1)
            error(v, "matches %zu of the %zu alternatives of oneOf (exactly one required)", count,
                  json_array_size(list));
    }
    const json_t *sub;
    if ((sub = json_object_get(schema, "not")) && matches(v, sub, inst))
        error(v, "matches the schema under \"not\", which it must not");
    if ((sub = json_object_get(schema, "if"))) {
        const json_t *branch = json_object_get(schema, matches(v, sub, inst) ? "then" : "else");
        if (branch) validate_node(v, branch, inst);
    }
}

static void validate_node(validator *v, const json_t *schema, const json_t *inst)
{
    if (json_is_true(schema)) return;
    if (json_is_false(schema)) {
        error(v, "no value is allowed here");
        return;
    }
    if (++v->depth > MAX_DEPTH) {
        error(v, "schema nesting deeper than %d (a $ref cycle?)", MAX_DEPTH);
        v->depth--;
        return;
    }
    const json_t *k;
    if ((k = json_object_get(schema, "$ref")))
        validate_node(v, resolve_ref(v->schema->doc, json_string_value(k)), inst);
    if ((k = json_object_get(schema, "type"))) check_type(v, k, inst);
    if ((k = json_object_get(schema, "const")) && !json_same(k, inst)) {
        char a[96], b[96];
        show(k, a, sizeof a), show(inst, b, sizeof b);
        error(v, "expected %s, found %s", a, b);
    }
    if ((k = json_object_get(schema, "enum"))) {
        bool found = false;
        for (size_t i = 0; i < json_array_size(k) && !found; i++)
            found = json_same(json_array_get(k, i), inst);
        if (!found) {
            char a[96], b[160];
            show(inst, a, sizeof a), show(k, b, sizeof b);
            error(v, "%s is not one of %s", a, b);
        }
    }
    if (json_is_object(inst)) check_object(v, schema, inst);
    if (json_is_array(inst)) check_array(v, schema, inst);
    if (json_is_number(inst)) check_number(v, schema, inst);
    if (json_is_string(inst)) check_string(v, schema, inst);
    check_applicators(v, schema, inst);
    v->depth--;
}

size_t bn_schema_validate(const bn_schema *schema, const json_t *instance, bn_schema_report_fn *report,
                          void *ctx)
{
    validator v = {schema, report, ctx, {{0}, 0}, 0, 0};
    validate_node(&v, schema->doc, instance);
    return v.errors;
}
