module github.com/weftrun/weft/nodes-wasm

go 1.26
