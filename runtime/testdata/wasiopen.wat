;; A command that tries to open a file through WASI: the first preopened directory and an absolute path. It succeeds (prints a result) only if both fail.
;; Built with: wat2wasm --enable-all wasiopen.wat -o wasiopen.wasm (see gen.sh)
(module
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $prestat (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "/etc/passwd")
  (data (i32.const 128) "{\"outputs\":[[]]}")
  (func (export "_start")
    ;; fd 3 is the first preopen when any directory is mounted.
    (if (i32.eqz (call $prestat (i32.const 3) (i32.const 0))) (then unreachable))
    (if (i32.eqz (call $open (i32.const 3) (i32.const 0) (i32.const 64) (i32.const 11)
                             (i32.const 0) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 16)))
      (then unreachable))
    ;; iovec at 32: {ptr 128, len 16}
    (i32.store (i32.const 32) (i32.const 128))
    (i32.store (i32.const 36) (i32.const 16))
    (drop (call $write (i32.const 1) (i32.const 32) (i32.const 1) (i32.const 40)))))
