;; A reactor that keeps a task's bytes in memory and logs what it kept. The task's first '!' is followed by the mode: P keeps the task at 0x8000, G logs what is kept there, B does both in one task.
;; Built with: wat2wasm --enable-all stash.wat -o stash.wasm (see gen.sh)
(module
  (import "weft_v1" "log" (func $log (param i32 i32 i32)))
  (memory (export "memory") 2)
  (data (i32.const 0) "{\"outputs\":[[]]}")
  (func (export "weft_abi_version") (result i32) i32.const 1)
  (func (export "weft_alloc") (param i32) (result i32) i32.const 1024)
  (func (export "weft_run") (param $p i32) (param $n i32) (result i64)
    (local $i i32) (local $mode i32)
    (block $found
      (loop $scan
        (br_if $found (i32.ge_u (local.get $i) (local.get $n)))
        (if (i32.eq (i32.load8_u (i32.add (local.get $p) (local.get $i))) (i32.const 33))
          (then
            (local.set $mode (i32.load8_u (i32.add (local.get $p) (i32.add (local.get $i) (i32.const 1)))))
            (br $found)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $scan)))
    ;; P (80) or B (66): keep the task; its length goes at 0x7ffc.
    (if (i32.or (i32.eq (local.get $mode) (i32.const 80)) (i32.eq (local.get $mode) (i32.const 66)))
      (then
        (i32.store (i32.const 0x7ffc) (local.get $n))
        (memory.copy (i32.const 0x8000) (local.get $p) (local.get $n))))
    ;; G (71) or B: log whatever is kept.
    (if (i32.or (i32.eq (local.get $mode) (i32.const 71)) (i32.eq (local.get $mode) (i32.const 66)))
      (then (call $log (i32.const 1) (i32.const 0x8000) (i32.load (i32.const 0x7ffc)))))
    (i64.or (i64.shl (i64.const 0) (i64.const 32)) (i64.const 16))))
