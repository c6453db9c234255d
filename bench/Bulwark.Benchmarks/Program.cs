using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Bulwark.Benchmarks.DetectionThroughputBenchmarks).Assembly).Run(args);
