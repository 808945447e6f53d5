;; A reactor that does 5,000,000 iterations of integer work per task: the
;; tight-loop worst case for metering and for polling a close flag.
;; Built with: wat2wasm --enable-all count.wat -o count.wasm (see gen.sh)
(module
  (memory (export "memory") 1)
  (data (i32.const 0) "{\"outputs\":[[]]}")
  (global $sink (mut i32) (i32.const 0))
  (func (export "weft_abi_version") (result i32) i32.const 1)
  (func (export "weft_alloc") (param i32) (result i32) i32.const 1024)
  (func (export "weft_run") (param i32 i32) (result i64)
    (local $i i32) (local $acc i32)
    (loop $next
      (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 31)) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $i) (i32.const 5000000))))
    (global.set $sink (local.get $acc))
    (i64.const 16)))
