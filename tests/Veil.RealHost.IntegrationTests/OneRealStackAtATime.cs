namespace Veil.RealHost.IntegrationTests;

/// <summary>The tests that start a stack on a real libvirtd run one class at a time: each boots QEMU.</summary>
[CollectionDefinition(nameof(OneRealStackAtATime))]
public sealed class OneRealStackAtATime;
