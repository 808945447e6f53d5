;; wat2wasm importmem.wat -o importmem.wasm
;; An imported memory: never capped, but memory.grow is still wrapped.
(module
  (import "mem" "memory" (memory 1))
  (func (export "grow") (param $n i32) (result i32)
    (memory.grow (local.get $n)))
)
