namespace Veil.Shared.Catalog;

/// <summary>One bad input, named by the field a form or request body shows it in.</summary>
/// <param name="Field">The field, as the API's JSON names it (<c>name</c>, <c>vCpus</c>, <c>extraSpecs</c>).</param>
/// <param name="Message">What is wrong and what would be right.</param>
public sealed record FieldProblem(string Field, string Message);
