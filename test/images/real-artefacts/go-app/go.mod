module example.com/custody/go-app

go 1.21

require golang.org/x/text v0.3.6
