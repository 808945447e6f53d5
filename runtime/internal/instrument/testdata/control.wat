;; wat2wasm control.wat -o control.wasm
;; Loops, nested loops, recursion, br_table and multi-value blocks.
(module
  (type $pair (func (param i32 i32) (result i32 i32)))

  (func $fact (export "fact") (param $n i64) (result i64)
    (if (result i64) (i64.le_s (local.get $n) (i64.const 1))
      (then (i64.const 1))
      (else (i64.mul (local.get $n)
                     (call $fact (i64.sub (local.get $n) (i64.const 1)))))))

  (func (export "fact20") (result i64)
    (call $fact (i64.const 20)))

  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2)))))))

  (func (export "fib20") (result i32)
    (call $fib (i32.const 20)))

  ;; sum over i < 100, j < 100 of i*j
  (func (export "nested") (result i64)
    (local $i i64) (local $j i64) (local $acc i64)
    (loop $outer
      (local.set $j (i64.const 0))
      (loop $inner
        (local.set $acc (i64.add (local.get $acc)
                                 (i64.mul (local.get $i) (local.get $j))))
        (local.set $j (i64.add (local.get $j) (i64.const 1)))
        (br_if $inner (i64.lt_u (local.get $j) (i64.const 100))))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br_if $outer (i64.lt_u (local.get $i) (i64.const 100))))
    (local.get $acc))

  (func $classify (export "classify") (param $x i32) (result i32)
    (block $default
      (block $c2
        (block $c1
          (block $c0
            (br_table $c0 $c1 $c2 $default (local.get $x)))
          (return (i32.const 100)))
        (return (i32.const 101)))
      (return (i32.const 102)))
    (i32.const 999))

  ;; sum of classify(0..5) = 100+101+102+999+999+999
  (func (export "classify_sum") (result i32)
    (local $i i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (call $classify (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 6))))
    (local.get $s))

  (func $swap (type $pair)
    (local.get 1) (local.get 0))

  ;; block with multiple results and a block taking parameters
  (func (export "multi") (result i32)
    (block (result i32 i32) (i32.const 7) (i32.const 5))
    (call $swap)
    (block (param i32 i32) (result i32) (i32.sub)))

  ;; loop carrying two values as parameters: Euclid's gcd
  (func $gcd (export "gcd") (param i32 i32) (result i32)
    (local.get 0) (local.get 1)
    (loop $l (param i32 i32) (result i32)
      (local.set 1) (local.set 0)
      (if (result i32) (i32.eqz (local.get 1))
        (then (local.get 0))
        (else
          (local.get 1)
          (i32.rem_u (local.get 0) (local.get 1))
          (br $l)))))

  (func (export "gcd_sum") (result i32)
    (i32.add (call $gcd (i32.const 1071) (i32.const 462))
             (call $gcd (i32.const 270) (i32.const 192))))

  ;; loop whose body holds an if/else and a nested loop after it
  (func (export "collatz") (result i32)
    (local $n i32) (local $steps i32) (local $k i32)
    (local.set $n (i32.const 27))
    (block $done
      (loop $l
        (br_if $done (i32.eq (local.get $n) (i32.const 1)))
        (if (i32.and (local.get $n) (i32.const 1))
          (then (local.set $n (i32.add (i32.mul (local.get $n) (i32.const 3)) (i32.const 1))))
          (else (local.set $n (i32.shr_u (local.get $n) (i32.const 1)))))
        (local.set $k (i32.const 0))
        (loop $pad
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br_if $pad (i32.lt_u (local.get $k) (i32.const 3))))
        (local.set $steps (i32.add (local.get $steps) (i32.const 1)))
        (br $l)))
    (local.get $steps))
)
