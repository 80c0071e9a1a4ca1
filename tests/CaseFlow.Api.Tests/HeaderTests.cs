using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Input;
using Microsoft.AspNetCore.Http;

namespace CaseFlow.Api.Tests;

/// <summary>The request headers CaseFlow reads, in isolation: If-Match (RFC 9110 §13.1.1, strong comparison) and Idempotency-Key.</summary>
public class HeaderTests
{
    private static HttpRequest With(string header, string? value)
    {
        var http = new DefaultHttpContext();
        if (value is not null) http.Request.Headers[header] = value;
        return http.Request;
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("  ", null)]
    [InlineData("\"3\"", 3L)]
    [InlineData(" \"12\" ", 12L)]
    [InlineData("W/\"3\"", -1L)]
    [InlineData("\"3\", \"4\"", -1L)]
    [InlineData("*", -1L)]
    [InlineData("3", -1L)]
    [InlineData("\"\"", -1L)]
    [InlineData("\"0\"", -1L)]
    [InlineData("\"-1\"", -1L)]
    [InlineData("\"+3\"", -1L)]
    [InlineData("\"3", -1L)]
    [InlineData("\"12", -1L)]
    [InlineData("12\"", -1L)]
    [InlineData("3\"", -1L)]
    [InlineData("\"99999999999999999999\"", -1L)]
    public void IfMatch_OnlyAStrongTagOfAPositiveVersion(string? header, long? version) => Assert.Equal(version, ETags.IfMatch(With("If-Match", header)));

    [Fact]
    public void ETag_IsTheVersionQuoted() => Assert.Equal("\"42\"", ETags.Format(42));

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("k", "k")]
    [InlineData("order-7:retry~1", "order-7:retry~1")]
    [InlineData("has space", null)]
    [InlineData("tab\tkey", null)]
    [InlineData("ключ", null)]
    public void IdempotencyKey_VisibleAscii(string? header, string? key) => Assert.Equal(key, Idempotency.KeyOf(With("Idempotency-Key", header)));

    [Fact]
    public void IdempotencyKey_AtMost200Characters()
    {
        Assert.Equal(200, Idempotency.KeyOf(With("Idempotency-Key", new string('k', 200)))!.Length);
        Assert.Null(Idempotency.KeyOf(With("Idempotency-Key", new string('k', 201))));
    }

    [Fact]
    public void RequestHash_CoversMethodPathAndBody()
    {
        var hash = Idempotency.Hash("POST", "/a", "{}");
        Assert.Equal(hash, Idempotency.Hash("POST", "/a", "{}"));
        Assert.NotEqual(hash, Idempotency.Hash("PUT", "/a", "{}"));
        Assert.NotEqual(hash, Idempotency.Hash("POST", "/b", "{}"));
        Assert.NotEqual(hash, Idempotency.Hash("POST", "/a", "{ }"));
    }

    [Theory]
    [InlineData("familyName", "Müller-Lüdenscheidt", null)]
    [InlineData("familyName", "Ъ😀", null)]
    [InlineData("passportNumber", "AB1234567", null)]
    [InlineData("passportNumber", "AB 1234567", "letters A-Z and digits only")]
    [InlineData("reason", "line\nbreak", "contains a control character (U+000A at position 5)")]
    [InlineData("reason", "del\u007f", "contains a control character (U+007F at position 4)")]
    [InlineData("reason", "c1\u0085", "contains a control character (U+0085 at position 3)")]
    [InlineData("nationality", "DEU", "at most 2 characters")]
    [InlineData("nationality", " DE ", null)]
    [InlineData("anything", "", null)]
    public void StringBounds(string field, string value, string? problem) => Assert.Equal(problem, InputRules.StringProblem(field, value));

    [Fact]
    public void UnpairedSurrogates_Refused_PairsAccepted()
    {
        // Built at run time: attribute arguments cannot carry an unpaired surrogate.
        var high = ((char)0xD800).ToString();
        var low = ((char)0xDC00).ToString();
        Assert.Equal("contains an unpaired surrogate (not valid Unicode text)", InputRules.StringProblem("reason", high + "x"));
        Assert.Equal("contains an unpaired surrogate (not valid Unicode text)", InputRules.StringProblem("reason", "x" + high));
        Assert.Equal("contains an unpaired surrogate (not valid Unicode text)", InputRules.StringProblem("reason", "x" + low));
        Assert.Equal("contains an unpaired surrogate (not valid Unicode text)", InputRules.StringProblem("reason", low + high));
        Assert.Null(InputRules.StringProblem("reason", high + low));
    }

    [Fact]
    public void LengthBounds_ByField_DefaultForOthers()
    {
        Assert.Null(InputRules.StringProblem("address", new string('a', 300)));
        Assert.Equal("at most 300 characters", InputRules.StringProblem("address", new string('a', 301)));
        Assert.Null(InputRules.StringProblem("somethingNew", new string('a', 200)));
        Assert.Equal("at most 200 characters", InputRules.StringProblem("somethingNew", new string('a', 201)));
        Assert.Equal("aaaaaaaaaaaaaaaaaaaa…", InputRules.Echo(new string('a', 21)));
        Assert.Equal(new string('a', 20), InputRules.Echo(new string('a', 20)));
        Assert.Null(InputRules.DateProblem(new NodaTime.LocalDate(1900, 1, 1)));
        Assert.Null(InputRules.DateProblem(new NodaTime.LocalDate(2100, 12, 31)));
        Assert.NotNull(InputRules.DateProblem(new NodaTime.LocalDate(1899, 12, 31)));
        Assert.NotNull(InputRules.DateProblem(new NodaTime.LocalDate(2101, 1, 1)));
    }

    [Theory]
    [InlineData("familyName", 100)]
    [InlineData("givenNames", 100)]
    [InlineData("nationality", 2)]
    [InlineData("passportNumber", 20)]
    [InlineData("borderPoint", 100)]
    [InlineData("reference", 100)]
    [InlineData("address", 300)]
    [InlineData("reason", 500)]
    [InlineData("category", 10)]
    [InlineData("secret", 200)]
    [InlineData("target", 2000)]
    [InlineData("name", 200)]
    [InlineData("bin", 12)]
    [InlineData("channel", 20)]
    [InlineData("mode", 20)]
    [InlineData("size", 20)]
    [InlineData("SIZE", 20)]
    public void EachFieldsMaximum_AsDocumented(string field, int max)
    {
        Assert.Null(InputRules.StringProblem(field, new string('A', max)));
        Assert.Equal($"at most {max} characters", InputRules.StringProblem(field, new string('A', max + 1)));
    }

    [Fact]
    public void NestedRecordsAndLists_AreWalked_NamingThePath()
    {
        var errors = InputRules.Check(new Outer(new Inner(new string('x', 101)), [new Inner("ok"), new Inner("bad\u0000")], new NodaTime.LocalDate(1899, 1, 1)));
        Assert.Equal(["at most 100 characters"], errors["inner.familyName"]);
        Assert.Equal(["contains a control character (U+0000 at position 4)"], errors["items[1].familyName"]);
        Assert.Equal(["must be between 1900-01-01 and 2100-12-31"], errors["date"]);
        Assert.Equal(3, errors.Count);
    }

    public sealed record Inner(string FamilyName);

    public sealed record Outer(Inner Inner, IReadOnlyList<Inner> Items, NodaTime.LocalDate Date);
}
