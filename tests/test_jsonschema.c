/* test_jsonschema.c - the JSON Schema validator: every keyword, positive and negative,
 * error paths and messages, and refusal of what it does not implement. */
#include <criterion/criterion.h>
#include <string.h>

#include "harness/common/jsonschema.h"

/* Errors of one validation, as "path: message" lines. */
typedef struct errors {
    char text[4096];
    size_t count;
} errors;

static void collect(void *ctx, const char *path, const char *message)
{
    errors *e = ctx;
    size_t len = strlen(e->text);
    snprintf(e->text + len, sizeof e->text - len, "%s: %s\n", path, message);
    e->count++;
}

static json_t *parse(const char *text)
{
    json_error_t err;
    json_t *v = json_loads(text, JSON_DECODE_ANY, &err);
    cr_assert_not_null(v, "bad test JSON %s: %s", text, err.text);
    return v;
}

static bn_status compile(const char *schema_text, bn_schema **out)
{
    json_t *doc = parse(schema_text);
    bn_status st = bn_schema_compile(doc, "test", out);
    json_decref(doc);
    return st;
}

/* Validate and return the errors (the count in e->count). */
static errors check(const char *schema_text, const char *instance_text)
{
    bn_schema *s;
    bn_status st = compile(schema_text, &s);
    cr_assert_eq(st, BN_OK, "schema %s does not compile: %s", schema_text, bn_last_error());
    json_t *inst = parse(instance_text);
    errors e = {{0}, 0};
    size_t n = bn_schema_validate(s, inst, collect, &e);
    cr_assert_eq(n, e.count);
    json_decref(inst);
    bn_schema_free(s);
    return e;
}

#define VALID(schema, inst)                                                                 \
    do {                                                                                    \
        errors e_ = check(schema, inst);                                                    \
        cr_expect_eq(e_.count, 0, "%s should accept %s, said:\n%s", schema, inst, e_.text); \
    } while (0)

/* Invalid, and the error text contains `needle`. */
#define INVALID(schema, inst, needle)                                                                       \
    do {                                                                                                    \
        errors e_ = check(schema, inst);                                                                    \
        cr_expect_gt(e_.count, 0, "%s should reject %s", schema, inst);                                     \
        cr_expect(strstr(e_.text, needle) != NULL, "%s on %s: expected '%s' in:\n%s", schema, inst, needle, \
                  e_.text);                                                                                 \
    } while (0)

Test(jsonschema, type_names)
{
    VALID("{\"type\":\"integer\"}", "3");
    INVALID("{\"type\":\"integer\"}", "3.0", ": expected integer, found number");
    INVALID("{\"type\":\"integer\"}", "\"3\"", "expected integer, found string");
    VALID("{\"type\":\"number\"}", "3");
    VALID("{\"type\":\"number\"}", "-2.5e3");
    VALID("{\"type\":\"boolean\"}", "false");
    INVALID("{\"type\":\"boolean\"}", "0", "expected boolean, found integer");
    VALID("{\"type\":\"null\"}", "null");
    VALID("{\"type\":[\"string\",\"null\"]}", "null");
    INVALID("{\"type\":[\"string\",\"null\"]}", "{}", "expected string or null, found object");
    VALID("{\"type\":\"array\"}", "[]");
    VALID("{\"type\":\"object\"}", "{}");
}

Test(jsonschema, boolean_schemas)
{
    VALID("true", "{\"a\":1}");
    INVALID("false", "1", "no value is allowed here");
    INVALID("{\"properties\":{\"x\":false}}", "{\"x\":0}", "/x: no value is allowed here");
    VALID("{\"properties\":{\"x\":false}}", "{\"y\":0}");
}

Test(jsonschema, enum_and_const)
{
    VALID("{\"enum\":[\"a\",\"b\",3]}", "\"b\"");
    VALID("{\"enum\":[\"a\",\"b\",3]}", "3.0"); /* numbers compare by value */
    INVALID("{\"enum\":[\"a\",\"b\"]}", "\"c\"", "\"c\" is not one of [\"a\",\"b\"]");
    VALID("{\"const\":{\"k\":[1,2]}}", "{\"k\":[1,2]}");
    INVALID("{\"const\":{\"k\":[1,2]}}", "{\"k\":[2,1]}", "expected {\"k\":[1,2]}");
    INVALID("{\"const\":1}", "true", "expected 1, found true");
}

Test(jsonschema, objects)
{
    const char *s = "{\"type\":\"object\",\"required\":[\"a\",\"b\"],"
                    "\"properties\":{\"a\":{\"type\":\"integer\"},\"b\":{\"type\":\"string\"}},"
                    "\"additionalProperties\":false}";
    VALID(s, "{\"a\":1,\"b\":\"x\"}");
    INVALID(s, "{\"a\":1}", ": missing required property \"b\"");
    INVALID(s, "{\"a\":1,\"b\":\"x\",\"c\":2}", "/c: property \"c\" is not allowed here");
    INVALID(s, "{\"a\":\"1\",\"b\":\"x\"}", "/a: expected integer, found string");
    const char *extra = "{\"properties\":{\"a\":true},\"additionalProperties\":{\"type\":\"number\"}}";
    VALID(extra, "{\"a\":\"s\",\"z\":1.5}");
    INVALID(extra, "{\"a\":\"s\",\"z\":\"no\"}", "/z: expected number, found string");
}

Test(jsonschema, arrays)
{
    const char *s = "{\"type\":\"array\",\"items\":{\"type\":\"integer\",\"minimum\":0},\"minItems\":1,"
                    "\"maxItems\":3}";
    VALID(s, "[0,1,2]");
    INVALID(s, "[]", "array has 0 items, fewer than minItems 1");
    INVALID(s, "[1,2,3,4]", "more than maxItems 3");
    INVALID(s, "[1,-2]", "/1: -2 is less than the minimum 0");
    VALID("{\"uniqueItems\":true}", "[1,\"1\",[1]]");
    INVALID("{\"uniqueItems\":true}", "[1,2,1.0]", "items 0 and 2 are equal");
}

Test(jsonschema, numbers)
{
    VALID("{\"minimum\":1,\"maximum\":2}", "1");
    VALID("{\"minimum\":1,\"maximum\":2}", "2.0");
    INVALID("{\"maximum\":2}", "2.5", "2.5 is greater than the maximum 2");
    INVALID("{\"exclusiveMinimum\":0}", "0", "0 is not greater than 0 (exclusiveMinimum)");
    VALID("{\"exclusiveMinimum\":0}", "1e-300");
    INVALID("{\"exclusiveMaximum\":1}", "1", "is not less than 1");
    /* large integers compare exactly */
    INVALID("{\"maximum\":9007199254740992}", "9007199254740993", "greater than the maximum");
    VALID("{\"minimum\":5}", "\"not a number\""); /* numeric keywords ignore other types */
}

Test(jsonschema, strings)
{
    VALID("{\"minLength\":2,\"maxLength\":3}", "\"\\u00e9\\u00e9\""); /* code points, not bytes */
    INVALID("{\"minLength\":2}", "\"a\"", "shorter than minLength 2");
    INVALID("{\"maxLength\":1}", "\"ab\"", "longer than maxLength 1");
    const char *hex = "{\"pattern\":\"^[0-9a-f]{64}$\"}";
    VALID(hex, "\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"");
    INVALID(hex, "\"0123\"", "does not match the pattern ^[0-9a-f]{64}$");
    VALID("{\"pattern\":\"b+\"}", "\"abbc\""); /* unanchored, as in ECMA-262 */
    VALID("{\"pattern\":\"^a\\\\.b$\"}", "\"a.b\"");
    INVALID("{\"pattern\":\"^a\\\\.b$\"}", "\"axb\"", "does not match");
    VALID("{\"pattern\":\"^(x|yz)?$\"}", "\"\"");
}

Test(jsonschema, applicators)
{
    const char *any = "{\"anyOf\":[{\"type\":\"string\"},{\"minimum\":10}]}";
    VALID(any, "\"s\"");
    VALID(any, "11");
    INVALID(any, "3", "matches none of the 2 alternatives of anyOf");
    const char *one = "{\"oneOf\":[{\"type\":\"integer\"},{\"minimum\":0}]}";
    VALID(one, "-1");
    VALID(one, "0.5");
    INVALID(one, "1", "matches 2 of the 2 alternatives of oneOf");
    INVALID(one, "-0.5", "matches 0 of the 2 alternatives of oneOf");
    const char *all = "{\"allOf\":[{\"type\":\"integer\"},{\"minimum\":0}]}";
    VALID(all, "0");
    INVALID(all, "-1", "less than the minimum 0");
    INVALID("{\"not\":{\"type\":\"null\"}}", "null", "must not");
    VALID("{\"not\":{\"type\":\"null\"}}", "0");
    const char *cond = "{\"if\":{\"properties\":{\"kind\":{\"const\":\"a\"}}},"
                       "\"then\":{\"required\":[\"a\"]},\"else\":{\"required\":[\"b\"]}}";
    VALID(cond, "{\"kind\":\"a\",\"a\":1}");
    INVALID(cond, "{\"kind\":\"a\",\"b\":1}", "missing required property \"a\"");
    VALID(cond, "{\"kind\":\"x\",\"b\":1}");
    INVALID(cond, "{\"kind\":\"x\"}", "missing required property \"b\"");
}

Test(jsonschema, refs_and_paths)
{
    const char *s = "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"$id\":\"x\","
                    "\"title\":\"t\",\"description\":\"d\",\"$comment\":\"c\","
                    "\"$defs\":{\"count\":{\"type\":\"integer\",\"minimum\":0},\"a/b\":{\"const\":1}},"
                    "\"type\":\"object\",\"properties\":{\"list\":{\"type\":\"array\",\"items\":"
                    "{\"type\":\"object\",\"properties\":{\"cases_run\":{\"$ref\":\"#/$defs/count\"}}}},"
                    "\"odd\":{\"$ref\":\"#/$defs/a~1b\"}}}";
    VALID(s, "{\"list\":[{\"cases_run\":1},{\"cases_run\":2}],\"odd\":1}");
    INVALID(s, "{\"list\":[{},{},{},{\"cases_run\":\"x\"}]}",
            "/list/3/cases_run: expected integer, found string");
    INVALID(s, "{\"odd\":2}", "/odd: expected 1, found 2");
    /* keys with / and ~ are escaped in error paths */
    INVALID("{\"additionalProperties\":{\"type\":\"null\"}}", "{\"a/b~c\":1}", "/a~1b~0c: expected null");
}

Test(jsonschema, ref_cycle_is_an_error_not_a_crash)
{
    INVALID("{\"$defs\":{\"loop\":{\"$ref\":\"#/$defs/loop\"}},\"$ref\":\"#/$defs/loop\"}", "1",
            "schema nesting deeper than");
}

/* Compile-time refusals: the message names the problem and where it is. */
static void refused(const char *schema_text, const char *needle)
{
    bn_schema *s = NULL;
    bn_status st = compile(schema_text, &s);
    cr_expect_eq(st, BN_E_FORMAT, "%s should be refused", schema_text);
    cr_expect(strstr(bn_last_error(), needle) != NULL, "%s: expected '%s' in '%s'", schema_text, needle,
              bn_last_error());
    bn_schema_free(s);
}

Test(jsonschema, refuses_what_it_does_not_implement)
{
    refused("{\"properties\":{\"a\":{\"format\":\"date-time\"}}}",
            "at #/properties/a: unknown or unsupported keyword \"format\"");
    refused("{\"prefixItems\":[true]}", "unknown or unsupported keyword \"prefixItems\"");
    refused("{\"$ref\":\"other.json#/x\"}", "does not resolve to a local schema");
    refused("{\"$ref\":\"#/$defs/missing\"}", "does not resolve");
    refused("{\"$schema\":\"http://json-schema.org/draft-07/schema#\"}", "$schema must be");
    refused("{\"properties\":{\"a\":{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\"}}}",
            "only allowed at the root");
    refused("{\"then\":true}", "then without if");
    refused("{\"type\":\"float\"}", "unknown type \"float\"");
    refused("{\"type\":[\"string\",\"string\"]}", "distinct type names");
    refused("{\"minItems\":-1}", "non-negative integer");
    refused("{\"required\":\"a\"}", "required must be");
    refused("{\"anyOf\":[]}", "non-empty array");
    refused("{\"items\":[{}]}", "a schema must be an object or a boolean");
    refused("{\"pattern\":\"^\\\\d+$\"}", "escape \\d is not in the supported subset");
    refused("{\"pattern\":\"(?=a)\"}", "lookaround");
    refused("{\"pattern\":\"a+?\"}", "lazy");
    refused("{\"pattern\":\"[[:digit:]]\"}", "POSIX-only");
    refused("{\"pattern\":\"[\\\\]]\"}", "backslash inside");
    refused("{\"pattern\":\"(a\"}", "does not compile");
    refused("{\"pattern\":\"[abc\"}", "unterminated");
    refused("[]", "a schema must be an object or a boolean, found array");
}

Test(jsonschema, load_reports_file_and_line)
{
    bn_schema *s = NULL;
    cr_expect_eq(bn_schema_load("/nonexistent/schema.json", &s), BN_E_IO);
    cr_expect(strstr(bn_last_error(), "/nonexistent/schema.json") != NULL, "%s", bn_last_error());
    cr_expect_null(s);
}
