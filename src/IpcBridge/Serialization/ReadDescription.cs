using System;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace IpcBridge.Serialization;

/// <summary>
/// What a read is of ("argument 0 on channel 'x'"), for the message of an <see cref="IpcSerializationException"/>. An
/// interpolated string passed as one keeps its parts instead of formatting them: every message read describes itself,
/// almost none fails, and formatting the description up front cost a string per read.
/// </summary>
[InterpolatedStringHandler]
internal ref struct ReadDescription
{
    private Part first;
    private Part second;
    private Part third;
    private Part fourth;
    private Part fifth;
    private int count;

    // Only an interpolation with more parts than kept here is formatted as it is built (none in the library).
    private StringBuilder? overflow;

#pragma warning disable IDE0060 // The compiler passes the sizes; parts are counted as they come.
    public ReadDescription(int literalLength, int formattedCount)
#pragma warning restore IDE0060
    {
        this = default;
    }

    public void AppendLiteral(string value) => this.Add(new Part(value, 0));

    public void AppendFormatted<T>(T value)
    {
        if (value is string text)
        {
            this.Add(new Part(text, 0));
        }
        else if (typeof(T) == typeof(int))
        {
            // The JIT removes the box of this cast for T = int.
            this.Add(new Part(null, (int)(object)value!));
        }
        else if (typeof(T) == typeof(long))
        {
            this.Add(new Part(null, (long)(object)value!));
        }
        else
        {
            this.Add(new Part(value is IFormattable formattable ? formattable.ToString(null, CultureInfo.InvariantCulture) : value?.ToString() ?? string.Empty, 0));
        }
    }

    public override readonly string ToString()
    {
        var text = new StringBuilder();
        for (int i = 0; i < Math.Min(this.count, 5); i++)
        {
            Part part = i switch
            {
                0 => this.first,
                1 => this.second,
                2 => this.third,
                3 => this.fourth,
                _ => this.fifth,
            };
            if (part.Text is not null)
            {
                text.Append(part.Text);
            }
            else
            {
                text.Append(part.Number.ToString(CultureInfo.InvariantCulture));
            }
        }

        return this.overflow is null ? text.ToString() : text.Append(this.overflow).ToString();
    }

    private void Add(Part part)
    {
        switch (this.count++)
        {
            case 0:
                this.first = part;
                break;
            case 1:
                this.second = part;
                break;
            case 2:
                this.third = part;
                break;
            case 3:
                this.fourth = part;
                break;
            case 4:
                this.fifth = part;
                break;
            default:
                this.overflow ??= new StringBuilder();
                this.overflow.Append(part.Text ?? part.Number.ToString(CultureInfo.InvariantCulture));
                break;
        }
    }

    /// <summary>A literal or a string argument (<see cref="Text"/>), else a number.</summary>
    private readonly struct Part
    {
        public Part(string? text, long number)
        {
            this.Text = text;
            this.Number = number;
        }

        public string? Text { get; }

        public long Number { get; }
    }
}
