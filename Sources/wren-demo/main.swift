print("wren-demo")
