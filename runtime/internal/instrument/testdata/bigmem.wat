;; wat2wasm bigmem.wat -o bigmem.wasm
;; 512 pages = 32 MiB of initial memory.
(module
  (memory 512)
  (func (export "size") (result i32) (memory.size))
)
