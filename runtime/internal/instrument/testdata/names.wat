;; wat2wasm --debug-names names.wat -o names.wasm
;; Function and local names for the name section rewrite.
(module
  (import "env" "log" (func $log (param i32)))
  (func $first (param $x i32) (result i32)
    (local $tmp i32)
    (local.set $tmp (i32.add (local.get $x) (i32.const 1)))
    (local.get $tmp))
  (func $second (export "second") (result i32)
    (call $first (i32.const 41)))
  (func $third (param $y i64) (result i64)
    (block $exit (br $exit))
    (local.get $y))
)
