// SPDX-License-Identifier: Apache-2.0
/* Go-template subset, digests and JSON helpers. */
#include <stdlib.h>

#include "../../lib/digest.h"
#include "../../lib/json.h"
#include "../../lib/mem.h"
#include "../../lib/template.h"
#include "tap.h"

static void
render(const char *fmt, const char *json, const char *want)
{
    struct pcon_err err = { 0 };
    struct template *t = template_parse(fmt, &err);
    yajl_val v = json_parse(json, NULL);
    char *out = NULL;

    if (t == NULL || template_render(t, v, &out, &err) < 0) {
        free(out);
        out = NULL;
    }
    is_str(out, want, fmt);
    free(out);
    template_free(t);
    yajl_tree_free(v);
    pcon_err_clear(&err);
}

/* "[[[...]]]" (or "{"a":{"a":...}}") depth levels deep */
static char *
nested(int depth, bool objects)
{
    char *s = xmalloc((size_t) depth * 6 + 2), *p = s; /* the "1" and the NUL */

    for (int i = 0; i < depth; i++)
        p = stpcpy(p, objects ? "{\"a\":" : "[");
    *p++ = '1';
    for (int i = 0; i < depth; i++)
        *p++ = objects ? '}' : ']';
    *p = '\0';
    return s;
}

static void
test_json_depth(void)
{
    struct pcon_err err = { 0 };
    char *s = nested(JSON_MAX_DEPTH, false);
    yajl_val v = json_parse(s, &err);

    ok(v != NULL, "an array nested 64 deep parses");
    yajl_tree_free(v);
    free(s);
    s = nested(JSON_MAX_DEPTH, true);
    v = json_parse(s, &err);
    ok(v != NULL, "an object nested 64 deep parses");
    yajl_tree_free(v);
    free(s);
    s = nested(JSON_MAX_DEPTH + 1, true);
    ok(json_parse(s, &err) == NULL, "65 levels are refused");
    is_str(err.msg, "JSON document nested deeper than 64 levels", "with a clear error");
    pcon_err_clear(&err);
    free(s);
    s = nested(2000000, false);
    ok(json_parse(s, &err) == NULL, "2,000,000 levels are refused, not a stack overflow");
    pcon_err_clear(&err);
    free(s);
    v = json_parse("{\"k\":\"[[[[{{{{\\\"[[[[\",\"l\":[[1]]}", &err);
    ok(v != NULL, "brackets in strings and after escaped quotes do not count");
    is_str(json_get_str(v, "k"), "[[[[{{{{\"[[[[", "and are kept");
    yajl_tree_free(v);
}

int
main(void)
{
    const char *doc = "{\"Names\":\"web\",\"State\":{\"Status\":\"running\",\"Pid\":42},"
                      "\"List\":[\"a\",\"b\"],\"Empty\":[],\"Q\":\"say \\\"hi\\\"\"}";
    char d[72];
    struct pcon_err err = { 0 };
    yajl_val v;
    char **strv = NULL;

    render("{{.Names}}", doc, "web");
    render("{{.State.Status}}/{{.State.Pid}}", doc, "running/42");
    render("{{upper .Names}} {{lower .State.Status}}", doc, "WEB running");
    render("{{json .List}}", doc, "[\"a\",\"b\"]");
    render("{{json .Q}}", doc, "\"say \\\"hi\\\"\"");
    render("{{range .List}}<{{.}}>{{end}}", doc, "<a><b>");
    render("{{join .List \",\"}}", doc, "a,b");
    render("{{if .Empty}}yes{{else}}no{{end}}", doc, "no");
    render("{{.List}}", doc, "[a b]");
    render("a\\tb", doc, "a\tb");
    render("{{.Nope}}", doc, NULL);
    render("{{.State.Nope}}", doc, NULL);
    render("{{frob .Names}}", doc, NULL);
    render("{{.Names", doc, NULL);
    render("{{range .List}}x", doc, NULL);
    /* podman's template habits: pipelines, functions, variables, with, else */
    render("{{.Names | upper}}", doc, "WEB");
    render("{{.State.Status | printf \"%-8s|\"}}", doc, "running |");
    render("{{printf \"%s has pid %d\" .Names .State.Pid}}", doc, "web has pid 42");
    render("{{index .List 1}} {{index .State \"Status\"}}", doc, "b running");
    render("{{len .List}} {{len .Names}}", doc, "2 3");
    /* fields of a parenthesised pipeline; podman's Go names over JSON keys */
    render("{{(.State).Status}} {{(index . \"State\").Pid}}", doc, "running 42");
    render("{{(index .List 0).Status}}", doc, NULL);
    render("{{.state.status}}", doc, "running");
    /* nested ranges multiply: a rendering has a budget */
    render("{{range 99999}}{{range 99999}}{{range 99999}}{{end}}{{end}}{{end}}", doc, NULL);
    render("{{range 3}}{{range 2}}x{{end}}{{end}}", doc, "xxxxxx");
    render("{{if eq .State.Status \"running\"}}up{{else}}down{{end}}", doc, "up");
    render("{{if and (gt .State.Pid 10) (ne .Names \"db\")}}y{{end}}", doc, "y");
    render("{{if not .Empty}}none{{end}}", doc, "none");
    render("{{with .State}}{{.Status}}{{end}}", doc, "running");
    render("{{$n := .Names}}{{range .List}}{{$n}}-{{.}} {{end}}", doc, "web-a web-b ");
    render("{{range $i, $e := .List}}{{$i}}={{$e}},{{end}}", doc, "0=a,1=b,");
    render("{{range .Empty}}x{{else}}empty{{end}}", doc, "empty");
    render("{{truncate .State.Status 3}} {{slice .Names 1}}", doc, "run eb");
    render("{{.List | json}}", doc, "[\"a\",\"b\"]");
    render("{{$.Names}}", doc, "web");
    render("{{/* a comment */}}x", doc, "x");
    render("{{.Names | frob}}", doc, NULL);
    render("{{printf \"%d\"}}", doc, "%!d(MISSING)");
    render("{{(.Names}}", doc, NULL);
    render("{{.Names .List}}", doc, NULL);
    {
        struct template *t = template_parse("table {{.ID}}\\t{{.Names}}", &err);
        const char *h[] = { "ID", "CONTAINER ID", NULL };
        char *head = template_header(t, h);
        char *aligned = template_align("CONTAINER ID\tNAMES\nabc\tweb\n");
        ok(template_is_table(t), "table prefix");
        is_str(head, "CONTAINER ID\tNAMES", "table header");
        is_str(aligned, "CONTAINER ID  NAMES\nabc           web\n", "tab alignment");
        free(aligned);
        {
            /* a wide column (fuzz_template: quadratic before): every
             * line padded to it, in one pass */
            char *wide = xmalloc(200000 + 16), *want = xmalloc(400000 + 32);
            memset(wide, 'w', 200000);
            strcpy(wide + 200000, "\tx\nb\ty\n");
            memset(want, 'w', 200000);
            strcpy(want + 200000, "  x\nb");
            memset(want + 200005, ' ', 200001);
            strcpy(want + 400006, "y\n");
            aligned = template_align(wide);
            ok(aligned && strcmp(aligned, want) == 0, "a 200,000-wide column pads every line");
            free(wide);
            free(want);
        }
        free(head);
        free(aligned);
        template_free(t);
    }

    digest_buf("", 0, d);
    is_str(d, "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
           "sha256 of nothing");
    digest_buf("abc", 3, d);
    is_str(d, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
           "sha256 of abc");
    ok(digest_valid(d), "a digest is valid");
    ok(!digest_valid("sha256:ABC"), "short or uppercase is not");
    ok(!digest_valid("md5:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
       "only sha256");

    v = json_parse("{\"s\":\"x\",\"n\":3,\"a\":[\"p\",\"q\"],\"bad\":[1]}", &err);
    ok(v != NULL, "parse");
    is_str(json_get_str(v, "s"), "x", "string getter");
    is_str(json_get_str(v, "n"), NULL, "a number is no string");
    is_int(json_get_strv(v, "a", &strv, &err), 0, "string array");
    is_int(strv_len(strv), 2, "two items");
    strv_free(strv);
    is_int(json_get_strv(v, "bad", &strv, &err), -1, "a non-string item fails");
    yajl_tree_free(v);
    ok(json_parse("{\"unterminated\":", &err) == NULL, "bad JSON fails");
    pcon_err_clear(&err);
    test_json_depth();
    return tap_done();
}
