module sentinel/sdk/go

go 1.26.8
