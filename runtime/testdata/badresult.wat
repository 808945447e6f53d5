;; A reactor whose result points outside its memory.
;; Built with: wat2wasm --enable-all badresult.wat -o badresult.wasm (see gen.sh)
(module
  (memory (export "memory") 1)
  (func (export "weft_abi_version") (result i32) i32.const 1)
  (func (export "weft_alloc") (param i32) (result i32) i32.const 1024)
  (func (export "weft_run") (param i32 i32) (result i64) i64.const 0x0000fff000001000))
