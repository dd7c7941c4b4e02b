// The cores this process may use and why, like parallelly::availableCores(which = "all").
System.Console.Write(ParallelLint.Runtime.Cores.Detect());
