;; wat2wasm bulk.wat -o bulk.wasm
;; Bulk memory operations and saturating conversions.
(module
  (memory 1)
  (data $greeting "0123456789")
  (data (i32.const 100) "abc")
  (func (export "bulk") (result i32)
    (memory.init $greeting (i32.const 0) (i32.const 2) (i32.const 5))
    (memory.copy (i32.const 10) (i32.const 0) (i32.const 5))
    (memory.fill (i32.const 20) (i32.const 7) (i32.const 4))
    (data.drop $greeting)
    (i32.add (i32.load (i32.const 10)) (i32.load (i32.const 20))))
  (func (export "sat") (result i64)
    (i64.add
      (i64.extend_i32_s (i32.trunc_sat_f32_s (f32.const 3.0e10)))
      (i64.trunc_sat_f64_u (f64.const -5))))
  (func (export "sext") (result i32)
    (i32.add (i32.extend8_s (i32.const 0xff)) (i32.extend16_s (i32.const 0x8000))))
)
