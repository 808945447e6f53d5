/*
 * A native program around the core module's reactor, for counting the
 * machine instructions one task costs under callgrind
 * (scripts/core-instructions.sh). It runs the warm-up task, as the
 * runtime does before its snapshot, and the weft.prepare tasks when given
 * (the snapshot once the host prepared the nodes), then the task in the
 * first file with callgrind's instrumentation on. The count is of native code, not of
 * Wasm, but it is the same C and the same bundle, and it does not vary
 * with the machine's load.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <valgrind/callgrind.h>

void *weft_alloc(int32_t len);
uint64_t weft_run(const char *task, int32_t len);

static const char warm_up[] =
    "{\"abi\":1,\"node\":{\"name\":\"warm-up\",\"type\":\"weft.warmUp\",\"typeVersion\":1,\"parameters\":{}},"
    "\"inputs\":[[]],\"context\":{\"warmUp\":true}}";

static void run(const char *task, size_t n) {
    char *in = weft_alloc((int32_t)n);
    if (!in) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    memcpy(in, task, n);
    weft_run(in, (int32_t)n);
}

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(1);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n);
    if (!b || fread(b, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "%s: cannot read\n", path);
        exit(1);
    }
    fclose(f);
    *len = (size_t)n;
    return b;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s TASK-FILE [PREPARE-TASK-FILE...]\n", argv[0]);
        return 2;
    }
    size_t n;
    char *task = read_file(argv[1], &n);
    run(warm_up, sizeof(warm_up) - 1);
    /* the runtime's snapshot after the host prepared the nodes */
    for (int i = 2; i < argc; i++) {
        size_t pn;
        char *prep = read_file(argv[i], &pn);
        run(prep, pn);
    }
    CALLGRIND_START_INSTRUMENTATION;
    run(task, n);
    CALLGRIND_STOP_INSTRUMENTATION;
    return 0;
}
