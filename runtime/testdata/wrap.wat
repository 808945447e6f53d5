;; A reactor node that wraps its whole task as the json of one item, in place, and logs one line.
;; Built with: wat2wasm --enable-all wrap.wat -o wrap.wasm (see gen.sh)
(module
  (import "weft_v1" "log" (func $log (param i32 i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "{\"outputs\":[[{\"json\":")
  (data (i32.const 32) "}]]}")
  (data (i32.const 48) "wrapped the task")
  (func (export "weft_abi_version") (result i32) i32.const 1)
  ;; The task goes at 1056, leaving room for the 21-byte prefix before it.
  (func (export "weft_alloc") (param $n i32) (result i32)
    (local $need i32)
    (local.set $need
      (i32.shr_u (i32.add (i32.add (local.get $n) (i32.const 1060)) (i32.const 65535)) (i32.const 16)))
    (if (i32.gt_u (local.get $need) (memory.size))
      (then
        (if (i32.eq (memory.grow (i32.sub (local.get $need) (memory.size))) (i32.const -1))
          (then unreachable))))
    i32.const 1056)
  (func (export "weft_run") (param $p i32) (param $n i32) (result i64)
    (memory.copy (i32.sub (local.get $p) (i32.const 21)) (i32.const 0) (i32.const 21))
    (memory.copy (i32.add (local.get $p) (local.get $n)) (i32.const 32) (i32.const 4))
    (call $log (i32.const 1) (i32.const 48) (i32.const 16))
    (i64.or
      (i64.shl (i64.extend_i32_u (i32.sub (local.get $p) (i32.const 21))) (i64.const 32))
      (i64.extend_i32_u (i32.add (local.get $n) (i32.const 25))))))
