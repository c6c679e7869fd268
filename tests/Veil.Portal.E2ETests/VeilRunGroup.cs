namespace Veil.Portal.E2ETests;

/// <summary>One `./veil run` for every browser journey: starting Veil is the slow part.</summary>
[CollectionDefinition(Name)]
public sealed class VeilRunGroup : ICollectionFixture<VeilRun>
{
    public const string Name = "veil run";
}
