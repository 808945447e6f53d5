;; A command whose start section never returns.
;; Built with: wat2wasm --enable-all startloop.wat -o startloop.wasm (see gen.sh)
(module
  (memory (export "memory") 1)
  (func $spin (loop $forever (br $forever)))
  (start $spin)
  (func (export "_start")))
