;; wat2wasm cpu.wat -o cpu.wasm
;; A CPU-bound workload: counts primes below n by trial division.
(module
  (func (export "primes") (param $n i32) (result i32)
    (local $i i32) (local $d i32) (local $count i32)
    (local.set $i (i32.const 2))
    (block $done
      (loop $outer
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $d (i32.const 2))
        (block $composite
          (block $prime
            (loop $inner
              (br_if $prime (i32.gt_u (i32.mul (local.get $d) (local.get $d)) (local.get $i)))
              (br_if $composite (i32.eqz (i32.rem_u (local.get $i) (local.get $d))))
              (local.set $d (i32.add (local.get $d) (i32.const 1)))
              (br $inner)))
          (local.set $count (i32.add (local.get $count) (i32.const 1))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $outer)))
    (local.get $count))
  (func (export "primes_small") (result i32)
    (call 0 (i32.const 2000)))
)
