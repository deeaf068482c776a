/*
 * jsonschema.h - a JSON Schema (draft 2020-12) validator over jansson, implementing exactly
 * the keywords receipts/schema.json uses, and refusing every other keyword.
 *
 * Supported keywords (docs/receipts.md has the details and the deviations):
 *   core          $schema (root only, must be the 2020-12 meta-schema URI), $id (root
 *                 only, not used for resolution), $ref (local: "#" or "#/json/pointer"),
 *                 $defs, $comment
 *   annotations   title, description
 *   any type      type (a name or an array of names), enum, const
 *   objects       properties, required, additionalProperties
 *   arrays        items (one schema for every element), minItems, maxItems, uniqueItems
 *   numbers       minimum, maximum, exclusiveMinimum, exclusiveMaximum
 *   strings       minLength, maxLength (in code points), pattern
 *   applicators   allOf, anyOf, oneOf, not, if/then/else
 * Boolean schemas (true, false) are accepted wherever a schema is.
 *
 * Deviations, chosen to be stricter, never laxer:
 *   - "integer" is a number written without fraction or exponent (jansson's integer):
 *     1.0 is a number but not an integer.
 *   - pattern is matched with POSIX extended regular expressions (regcomp), unanchored like
 *     ECMA-262.  Only the subset on which the two dialects agree is accepted: literals, ".",
 *     bracket expressions with ranges and negation (no backslash and no "[:class:]" inside
 *     brackets), anchors ^ $, groups ( ), alternation |, quantifiers * + ? {n} {n,} {n,m},
 *     and a backslash before a metacharacter (. [ ] { } ( ) * + ? ^ $ | \ / -).  Escapes such
 *     as \d \w \s, lookaround, non-capturing groups and lazy quantifiers are refused when the
 *     schema is compiled, because they would silently mean something else to regcomp.
 *   - then/else without if, and any unknown keyword, are errors at compile time.
 */
#ifndef BN_HARNESS_JSONSCHEMA_H
#define BN_HARNESS_JSONSCHEMA_H

#include <jansson.h>
#include <stddef.h>

#include "bitnet.h"

typedef struct bn_schema bn_schema;

/* Check a whole schema document (every keyword known, every value well-typed, every $ref
 * resolvable, every pattern in the supported subset) and prepare it for validation.
 * `name` (a file name) prefixes error messages.  BN_E_FORMAT with the schema location of
 * the first problem; BN_E_NO_MEMORY.  The schema keeps a reference to `doc`. */
bn_status bn_schema_compile(json_t *doc, const char *name, bn_schema **out);
/* Load a schema file and compile it (BN_E_IO if it cannot be read or parsed). */
bn_status bn_schema_load(const char *path, bn_schema **out);
void bn_schema_free(bn_schema *schema);

/* One validation error: `path` is the JSON pointer of the offending value in the
 * instance ("" for the root), `message` says what was expected and what was found. */
typedef void bn_schema_report_fn(void *ctx, const char *path, const char *message);

/* Validate `instance`; call `report` (may be NULL) once per error; return the number of
 * errors (0 = valid). */
size_t bn_schema_validate(const bn_schema *schema, const json_t *instance, bn_schema_report_fn *report,
                          void *ctx);

#endif /* BN_HARNESS_JSONSCHEMA_H */
