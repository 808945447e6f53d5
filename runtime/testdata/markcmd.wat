;; A command that looks for a marker a previous run would have left at 0x9000
;; (memory the data segments do not initialise), reports on standard output
;; whether it found one, and then leaves its own marker there.
;; Built with: wat2wasm --enable-all markcmd.wat -o markcmd.wasm (see gen.sh)
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "{\"outputs\":[[{\"json\":{\"leak\":false}}]]}")
  (data (i32.const 128) "{\"outputs\":[[{\"json\":{\"leak\":true }}]]}")
  (func (export "_start")
    ;; iovec at 32: the clean or the leaked result, 39 bytes
    (i32.store (i32.const 32)
      (select (i32.const 128) (i32.const 64) (i32.load (i32.const 0x9000))))
    (i32.store (i32.const 36) (i32.const 39))
    (drop (call $write (i32.const 1) (i32.const 32) (i32.const 1) (i32.const 40)))
    (i32.store (i32.const 0x9000) (i32.const 0x5eC12E7))))
