/*
 * verify-receipt - check receipts against receipts/schema.json and the honesty rules.
 *
 *   verify-receipt FILE... [--schema PATH] [--model PATH] [--list-rules]
 *
 * Prints every broken rule with its id and the field it concerns; exit 0 when every
 * receipt is honest, 1 when a rule is broken, 2 on usage or I/O errors.  The rules are
 * listed in docs/receipts.md (and by --list-rules).
 */
#include "harness/common/verify.h"

int main(int argc, char **argv) { return bn_verify_main(argc, argv); }
