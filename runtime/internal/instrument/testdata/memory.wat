;; wat2wasm memory.wat -o memory.wasm
;; A bounded memory grown through memory.grow.
(module
  (memory (export "memory") 1 8)
  (data (i32.const 16) "weft")
  (func (export "grow") (param $n i32) (result i32)
    (memory.grow (local.get $n)))
  (func (export "size") (result i32)
    (memory.size))
  (func (export "grow_one") (result i32)
    (memory.grow (i32.const 1)))
  (func (export "peek") (result i32)
    (i32.load (i32.const 16)))
  ;; grows one page at a time until failure, returns pages obtained
  (func (export "grow_all") (result i32)
    (local $n i32)
    (block $out
      (loop $l
        (br_if $out (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $l)))
    (local.get $n))
)
