/*
 * chat.c - the BitNet b1.58 2B4T chat format (docs/MODEL.md section 4):
 *     "Role: " + trimmed content + "<|eot_id|>" per message, then "Assistant: ".
 * BOS comes from tokenising with add_bos; the text carries no BOS itself.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bitnet.h"

typedef struct out {
    char *buf;
    size_t size, len;
} out;

static void put(out *o, const char *s, size_t n)
{
    if (o->len < o->size) {
        size_t room = o->size - o->len - 1 < n ? o->size - o->len - 1 : n;
        memcpy(o->buf + o->len, s, room);
        o->buf[o->len + room] = '\0';
    }
    o->len += n;
}

size_t bn_chat_format(const bn_chat_message *messages, size_t n, int add_generation_prompt, char *buf,
                      size_t size)
{
    out o = {buf, size, 0};
    if (buf && size) buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const char *role = messages[i].role ? messages[i].role : "user";
        const char *text = messages[i].content ? messages[i].content : "";
        char cap = (char)toupper((unsigned char)role[0]);
        put(&o, &cap, role[0] ? 1 : 0);
        if (role[0]) put(&o, role + 1, strlen(role + 1));
        put(&o, ": ", 2);
        size_t len = strlen(text);
        while (len && isspace((unsigned char)text[0])) text++, len--;
        while (len && isspace((unsigned char)text[len - 1])) len--;
        put(&o, text, len);
        put(&o, "<|eot_id|>", 10);
    }
    if (add_generation_prompt) put(&o, "Assistant: ", 11);
    return o.len + 1;
}
