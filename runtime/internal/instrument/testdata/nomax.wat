;; wat2wasm nomax.wat -o nomax.wasm
;; A memory without a declared maximum.
(module
  (memory 2)
  (func (export "grow") (param $n i32) (result i32)
    (memory.grow (local.get $n)))
  (func (export "size") (result i32)
    (memory.size))
)
