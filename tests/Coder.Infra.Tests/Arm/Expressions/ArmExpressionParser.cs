using System.Globalization;
using System.Text;

namespace Coder.Infra.Tests.Arm.Expressions;

/// <summary>
/// Parses the ARM template expression language as bicep emits it: function calls, 'strings' (with ''
/// escapes), integers, <c>.property</c> and <c>[index]</c> access.
/// </summary>
public sealed class ArmExpressionParser
{
    private readonly string _text;
    private int _position;

    private ArmExpressionParser(string text) => _text = text;

    /// <summary>True when a JSON string value is an expression: "[...]" but not the "[[" escape.</summary>
    public static bool IsExpression(string value) =>
        value.Length >= 2 && value[0] == '[' && value[^1] == ']' && value[1] != '[';

    public static ArmExpression Parse(string expressionWithBrackets)
    {
        if (!IsExpression(expressionWithBrackets))
        {
            throw new FormatException($"Not an ARM expression: {expressionWithBrackets}");
        }

        var parser = new ArmExpressionParser(expressionWithBrackets[1..^1]);
        var expression = parser.ParseExpression();
        parser.SkipWhitespace();
        if (parser._position != parser._text.Length)
        {
            throw parser.Error("unexpected trailing text");
        }

        return expression;
    }

    private ArmExpression ParseExpression()
    {
        var expression = ParsePrimary();
        while (true)
        {
            SkipWhitespace();
            if (TryConsume('.'))
            {
                expression = new ArmPropertyAccess(expression, ParseIdentifier());
            }
            else if (TryConsume('['))
            {
                var index = ParseExpression();
                Expect(']');
                expression = new ArmIndexAccess(expression, index);
            }
            else
            {
                return expression;
            }
        }
    }

    private ArmExpression ParsePrimary()
    {
        SkipWhitespace();
        if (_position >= _text.Length)
        {
            throw Error("unexpected end");
        }

        var current = _text[_position];
        if (current == '\'')
        {
            return new ArmStringLiteral(ParseString());
        }

        if (char.IsDigit(current) || current == '-')
        {
            var start = _position++;
            while (_position < _text.Length && char.IsDigit(_text[_position]))
            {
                _position++;
            }

            return new ArmNumberLiteral(long.Parse(_text[start.._position], CultureInfo.InvariantCulture));
        }

        var name = ParseIdentifier();
        Expect('(');
        var arguments = new List<ArmExpression>();
        SkipWhitespace();
        if (!TryConsume(')'))
        {
            do
            {
                arguments.Add(ParseExpression());
                SkipWhitespace();
            }
            while (TryConsume(','));
            Expect(')');
        }

        return new ArmFunctionCall(name, arguments);
    }

    private string ParseString()
    {
        Expect('\'');
        var value = new StringBuilder();
        while (true)
        {
            if (_position >= _text.Length)
            {
                throw Error("unterminated string");
            }

            var current = _text[_position++];
            if (current != '\'')
            {
                value.Append(current);
            }
            else if (_position < _text.Length && _text[_position] == '\'')
            {
                value.Append('\'');
                _position++;
            }
            else
            {
                return value.ToString();
            }
        }
    }

    private string ParseIdentifier()
    {
        SkipWhitespace();
        var start = _position;
        while (_position < _text.Length && (char.IsLetterOrDigit(_text[_position]) || _text[_position] is '_' or '$'))
        {
            _position++;
        }

        return _position > start ? _text[start.._position] : throw Error("identifier expected");
    }

    private void Expect(char expected)
    {
        SkipWhitespace();
        if (!TryConsume(expected))
        {
            throw Error($"'{expected}' expected");
        }
    }

    private bool TryConsume(char expected)
    {
        if (_position < _text.Length && _text[_position] == expected)
        {
            _position++;
            return true;
        }

        return false;
    }

    private void SkipWhitespace()
    {
        while (_position < _text.Length && char.IsWhiteSpace(_text[_position]))
        {
            _position++;
        }
    }

    private FormatException Error(string problem) =>
        new($"ARM expression [{_text}]: {problem} at {_position}.");
}
