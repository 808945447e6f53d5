;; A reactor that grows memory a page at a time until refused, then traps, as allocators do.
;; Built with: wat2wasm --enable-all grow.wat -o grow.wasm (see gen.sh)
(module
  (memory (export "memory") 1)
  (func (export "weft_abi_version") (result i32) i32.const 1)
  (func (export "weft_alloc") (param i32) (result i32) i32.const 1024)
  (func (export "weft_run") (param i32 i32) (result i64)
    (loop $more
      (br_if $more (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
    unreachable))
