/*
 * A deterministic C workload built by the instrument package tests with
 *   clang --target=wasm32-wasi --sysroot=/usr -O2 -o cprog.wasm main.c
 * It uses recursion, function pointers (call_indirect), qsort, malloc
 * (memory growth) and stdio. With an argument N it instead runs the
 * CPU-bound kernel N times, which the fuel overhead benchmark times.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_u32(const void *a, const void *b) {
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

static uint32_t fib(uint32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static uint32_t square(uint32_t x) { return x * x; }
static uint32_t twice(uint32_t x) { return 2 * x; }
static uint32_t (*const ops[])(uint32_t) = {square, twice};

/* kernel mixes integer hashing, a sort and nested loops. */
static uint32_t kernel(uint32_t seed) {
	enum { N = 4096 };
	static uint32_t v[N];
	uint32_t x = seed;
	for (int i = 0; i < N; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		v[i] = x;
	}
	qsort(v, N, sizeof v[0], cmp_u32);
	uint32_t acc = 0;
	for (int i = 0; i < N; i += 64)
		for (int j = 0; j < 64; j++)
			acc = acc * 31 + (v[i + j] >> (j & 7));
	return acc;
}

int main(int argc, char **argv) {
	if (argc > 1) {
		int n = atoi(argv[1]);
		uint32_t acc = 0;
		for (int i = 0; i < n; i++)
			acc += kernel(12345u + (uint32_t)i);
		printf("kernel x%d: %u\n", n, acc);
		return 0;
	}
	printf("fib(24) = %u\n", fib(24));
	uint32_t s = 0;
	for (uint32_t i = 0; i < 100; i++)
		s += ops[i & 1](i);
	printf("ops = %u\n", s);
	size_t total = 0;
	char **blocks = malloc(64 * sizeof *blocks);
	for (int i = 0; i < 64; i++) {
		blocks[i] = malloc(256 * 1024);
		memset(blocks[i], i, 256 * 1024);
		total += 256 * 1024;
	}
	long check = 0;
	for (int i = 0; i < 64; i++)
		check += blocks[i][i * 100];
	printf("malloc %zu KiB check %ld\n", total / 1024, check);
	printf("kernel = %u\n", kernel(42));
	return 0;
}
