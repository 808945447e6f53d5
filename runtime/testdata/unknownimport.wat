;; A reactor that imports a host function Weft does not provide.
;; Built with: wat2wasm --enable-all unknownimport.wat -o unknownimport.wasm (see gen.sh)
(module
  (import "weft_v1" "teleport" (func (param i32)))
  (memory (export "memory") 1)
  (func (export "weft_abi_version") (result i32) i32.const 1)
  (func (export "weft_alloc") (param i32) (result i32) i32.const 1024)
  (func (export "weft_run") (param i32 i32) (result i64) i64.const 0))
